package verify

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
)

// MaxDocumentBytes bounds an uploaded Kbis extract.
const MaxDocumentBytes = 4 << 20

// maxImagePixels bounds the declared size of an uploaded image, so that no
// later decoding allocates a bomb's worth of memory.
const maxImagePixels = 50_000_000

// Document types accepted for a Kbis extract, as sniffed.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
)

// SniffDocument checks an uploaded Kbis extract and returns its type and
// file extension, read from its bytes (never from its name or the type the
// browser sent): a PDF, a PNG or a JPEG image, at most MaxDocumentBytes. An
// image must have a readable header and reasonable dimensions.
func SniffDocument(content []byte) (mimeType, ext string, err error) {
	if len(content) == 0 {
		return "", "", refused("document", "le fichier est vide")
	}
	if len(content) > MaxDocumentBytes {
		return "", "", refused("document", fmt.Sprintf("le fichier dépasse %d Mo", MaxDocumentBytes>>20))
	}
	switch http.DetectContentType(content) {
	case TypePDF:
		if !bytes.Contains(content[max(0, len(content)-1024):], []byte("%%EOF")) {
			return "", "", refused("document", "le PDF est incomplet ou endommagé")
		}
		return TypePDF, ".pdf", nil
	case TypePNG:
		return checkImage(content, png.DecodeConfig, TypePNG, ".png")
	case TypeJPEG:
		return checkImage(content, jpeg.DecodeConfig, TypeJPEG, ".jpg")
	}
	return "", "", refused("document", "le fichier n'est ni un PDF, ni une image PNG ou JPEG")
}

func checkImage(content []byte, decode func(io.Reader) (image.Config, error), mimeType, ext string) (string, string, error) {
	cfg, err := decode(bytes.NewReader(content))
	if err != nil {
		return "", "", refused("document", "l'image est illisible ou endommagée")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxImagePixels {
		return "", "", refused("document", "les dimensions de l'image sont démesurées")
	}
	return mimeType, ext, nil
}
