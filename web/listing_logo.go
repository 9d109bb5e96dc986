package web

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders of the accepted upload formats
	_ "image/jpeg"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
	"fabrique/data/store"
)

// Bounds of a logo upload. The pixel bounds are read from the image's
// header before anything is decoded, so that a small file announcing a
// huge image (a decompression bomb) is refused without allocating it.
const (
	maxLogoUpload = 512 << 10 // bytes
	maxLogoSide   = 4000      // pixels, either side, as uploaded
	maxLogoPixels = 8_000_000 // pixels, as uploaded
	logoSide      = 400       // pixels: larger logos are scaled down to fit
)

// logoTypes are the formats accepted, as sniffed from the bytes (never
// from the file name or the declared type). SVG is refused: it may carry
// scripts.
var logoTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// logoError is a refused upload, with the French reason shown to the
// user; it wraps data.ErrInvalid.
func logoError(msg string) error {
	return fmt.Errorf("web: logo: %w", &data.ValidationError{Field: data.FieldLogo, Message: msg})
}

// logoTooLarge is an upload over a bound, with the French reason; it
// wraps data.ErrTooLarge.
type logoTooLarge struct{ msg string }

func (e *logoTooLarge) Error() string { return "web: logo: " + e.msg }
func (e *logoTooLarge) Unwrap() error { return data.ErrTooLarge }

// processLogo checks an uploaded logo and returns it re-encoded as PNG by
// the standard library, scaled down to fit logoSide: what is stored and
// served is never the uploaded file. Errors wrap data.ErrInvalid or
// data.ErrTooLarge and carry a French message (see logoMessage).
func processLogo(raw []byte) ([]byte, error) {
	if len(raw) == 0 {
		return nil, logoError("choisissez un fichier image")
	}
	if len(raw) > maxLogoUpload {
		return nil, logoTooHeavy(int64(len(raw)))
	}
	if t := http.DetectContentType(raw); !logoTypes[t] {
		return nil, logoError("le fichier n'est pas une image PNG, JPEG ou GIF")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, logoError("image illisible : le fichier est endommagé ou n'est pas une image")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxLogoSide || cfg.Height > maxLogoSide || cfg.Width*cfg.Height > maxLogoPixels {
		return nil, &logoTooLarge{fmt.Sprintf("l'image mesure %s × %s pixels, le maximum est %s × %s",
			formatNumber(cfg.Width), formatNumber(cfg.Height), formatNumber(maxLogoSide), formatNumber(maxLogoSide))}
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, logoError("image illisible : le fichier est endommagé ou n'est pas une image")
	}
	img = fitWithin(img, logoSide)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("web: logo: encode: %w", err)
	}
	if buf.Len() > store.MaxLogoBytes {
		return nil, &logoTooLarge{"l'image, même réduite, reste trop lourde"}
	}
	return buf.Bytes(), nil
}

// logoTooHeavy refuses a file of size bytes, over maxLogoUpload, saying
// its whole size: the handler reads no more than maxLogoUpload+1 bytes of
// it, and a 586 Ko file was said to weigh « 513 Ko ».
func logoTooHeavy(size int64) error {
	return &logoTooLarge{fmt.Sprintf("le fichier pèse %s Ko, le maximum est %s Ko",
		formatNumber(int((size+1023)/1024)), formatNumber(maxLogoUpload>>10))}
}

// fitWithin scales img down (box filter: each output pixel is the mean of
// the input pixels it covers) so that neither side exceeds side; smaller
// images are only copied to RGBA.
func fitWithin(img image.Image, side int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= side && h <= side {
		out := image.NewNRGBA(image.Rect(0, 0, w, h))
		draw.Draw(out, out.Bounds(), img, b.Min, draw.Src)
		return out
	}
	nw, nh := side, h*side/w
	if h > w {
		nw, nh = w*side/h, side
	}
	nw, nh = max(nw, 1), max(nh, 1)
	out := image.NewNRGBA(image.Rect(0, 0, nw, nh))
	for y := range nh {
		y0, y1 := b.Min.Y+y*h/nh, b.Min.Y+max((y+1)*h/nh, y*h/nh+1)
		for x := range nw {
			x0, x1 := b.Min.X+x*w/nw, b.Min.X+max((x+1)*w/nw, x*w/nw+1)
			var r, g, bl, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					c := color.NRGBA64Model.Convert(img.At(sx, sy)).(color.NRGBA64)
					r, g, bl, a, n = r+uint64(c.R), g+uint64(c.G), bl+uint64(c.B), a+uint64(c.A), n+1
				}
			}
			out.SetNRGBA(x, y, color.NRGBA{R: uint8(r / n >> 8), G: uint8(g / n >> 8), B: uint8(bl / n >> 8), A: uint8(a / n >> 8)})
		}
	}
	return out
}

// logoMessage is the French reason of a refused upload.
func logoMessage(err error) string {
	var ve *data.ValidationError
	var tl *logoTooLarge
	switch {
	case errors.As(err, &ve):
		return ve.Message
	case errors.As(err, &tl):
		return tl.msg
	}
	return "le logo n'a pas pu être enregistré"
}

// logoFileRe is the public name of a logo: its store key and ".png".
var logoFileRe = regexp.MustCompile(`^([0-9a-f]{32})\.png$`)

// logoURL is the public address of a stored logo.
func logoURL(key string) string {
	if key == "" {
		return ""
	}
	return "/logos/" + key + ".png"
}

// logo serves GET /logos/{key}.png: a stored PNG, re-encoded at upload,
// with its own type and a long cache (the name is the content's hash).
func (s *Server) logo(c *fiber.Ctx) error {
	m := logoFileRe.FindStringSubmatch(c.Params("file"))
	if m == nil {
		return fmt.Errorf("web: logo %q: %w", c.Params("file"), data.ErrNotFound)
	}
	b, err := s.store.Logo(c.Context(), m[1])
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	c.Set(fiber.HeaderContentDisposition, "inline; filename=\"logo.png\"")
	return c.Send(b)
}

// logoUploadRefusal is what an error page says of a body refused on a
// logo upload route (/compte/entreprises/{id}/logo) before any handler: a
// photo of several megabytes, over the server's body limit, was answered
// « Contenu trop volumineux » with no word of the logo's limit nor a way
// back to its form.
func logoUploadRefusal(path string) (message string, back *backLink, ok bool) {
	rest, found := strings.CutPrefix(path, companyURL(""))
	if !found {
		return "", nil, false
	}
	id, found := strings.CutSuffix(rest, "/logo")
	if !found || id == "" || strings.Contains(id, "/") {
		return "", nil, false
	}
	if unescaped, err := url.PathUnescape(id); err == nil {
		id = unescaped
	}
	return fmt.Sprintf("Le fichier dépasse %s Ko, la taille maximale d'un logo. Enregistrez-le en PNG ou en JPEG "+
			"d'au plus %s pixels de côté : Fabrique l'affiche en %s pixels au plus.",
			formatNumber(maxLogoUpload>>10), formatNumber(logoSide*2), formatNumber(logoSide)),
		&backLink{URL: companyURL(url.PathEscape(id)) + "/fiche/logo", Text: "Revenir au logo pour envoyer un fichier plus léger"}, true
}
