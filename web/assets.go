package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"

	"fabrique/data"
)

//go:embed static
var staticFiles embed.FS

// staticPrefix is where hashed assets are served.
const staticPrefix = "/static/"

// hashLen is the number of hex digits of SHA-256 kept in asset names:
// 48 bits, plenty against collisions between versions of a few files.
const hashLen = 12

// immutableCache is sent with every hashed asset: its URL changes whenever
// its content does, so browsers may keep it for a year without asking.
const immutableCache = "public, max-age=31536000, immutable"

// asset is one embedded static file.
type asset struct {
	body        []byte
	contentType string
	enc         *encoded // compressed forms, for text types (compress.go)
}

// assets maps logical names ("app.css") to content-hashed URLs
// ("/static/app.3f2a9c0b1d4e.css") and serves the files behind them.
type assets struct {
	urls   map[string]string // logical name → URL
	hashed map[string]asset  // hashed file name → file
}

func loadAssets() (*assets, error) {
	a := &assets{urls: map[string]string{}, hashed: map[string]asset{}}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		hashedName := hashedName(name, body)
		ctype := mime.TypeByExtension(path.Ext(name))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		a.urls[name] = staticPrefix + hashedName
		f := asset{body: body, contentType: ctype}
		if compressible(ctype) {
			f.enc = newEncoded(body, brotliAssets)
		}
		a.hashed[hashedName] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static assets: %w", err)
	}
	return a, nil
}

// add registers a file built at start-up (the map outlines) as an asset.
func (a *assets) add(name string, body []byte, contentType string) string {
	hashedName := hashedName(name, body)
	f := asset{body: body, contentType: contentType}
	if compressible(contentType) {
		f.enc = newEncoded(body, brotliAssets)
	}
	a.urls[name] = staticPrefix + hashedName
	a.hashed[hashedName] = f
	return staticPrefix + hashedName
}

// hashedName inserts a digest of body before the extension:
// "app.css" → "app.<hash>.css".
func hashedName(name string, body []byte) string {
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])[:hashLen]
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + digest + ext
}

// URL returns the hashed URL of a logical asset name; templates call it as
// {{asset "app.css"}}. An unknown name is a template defect.
func (a *assets) URL(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("web: unknown asset %q", name)
	}
	return u, nil
}

// static serves a hashed asset with a long, immutable cache lifetime.
// Names that are not current hashes answer 404, so a stale URL is never
// cached for a year with new content.
func (s *Server) static(c *fiber.Ctx) error {
	name := c.Params("+")
	f, ok := s.assets.hashed[name]
	if !ok {
		return fmt.Errorf("web: asset %q: %w", name, data.ErrNotFound)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	c.Set(fiber.HeaderCacheControl, immutableCache)
	if f.enc != nil {
		return f.enc.send(c)
	}
	return c.Send(f.body)
}
