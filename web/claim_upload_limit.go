package web

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"fabrique/web/verify"
)

// A scanned Kbis extract often weighs more than the server's body limit
// (Config.BodyLimit, 5 MiB by default). So that its sender reads the
// limit and how to lighten the file rather than a bare « Contenu trop
// volumineux », the upload route reads bodies up to claimUploadBodyLimit
// (fasthttp keeps a body in memory: this bounds it, for this one route)
// and refuses a file over verify.MaxDocumentBytes on the claim's page; a
// body beyond even that is refused by fasthttp before any handler, and
// handleError answers it with the same advice and a link back to the
// claim (claimUploadRefusal).

const (
	// claimUploadBodyLimit is the body limit of the Kbis upload route.
	claimUploadBodyLimit = 8 << 20
	// claimUploadReadTimeout is the time to send it on a slow line.
	claimUploadReadTimeout = 2 * time.Minute
)

// kbisTooLarge is the refusal of a Kbis file over verify.MaxDocumentBytes.
func kbisTooLarge() string {
	return fmt.Sprintf("Le fichier dépasse %d Mo, la taille maximale d'un extrait Kbis. "+
		"Pour l'alléger : enregistrez-le en PDF compressé (option « taille réduite » ou « qualité écran » de votre outil de numérisation ou d'impression en PDF), "+
		"n'envoyez qu'une seule page (la première suffit), ou numérisez-le en noir et blanc à 150 ppp.", verify.MaxDocumentBytes>>20)
}

// claimUploadClaim returns the claim of a Kbis upload path
// (/compte/revendications/{claim}/document), ok false for another path.
func claimUploadClaim(path string) (claim string, ok bool) {
	rest, found := strings.CutPrefix(path, claimsPath+"/")
	if !found {
		return "", false
	}
	claim, found = strings.CutSuffix(rest, "/document")
	if !found || claim == "" || strings.Contains(claim, "/") {
		return "", false
	}
	if unescaped, err := url.PathUnescape(claim); err == nil {
		claim = unescaped
	}
	return claim, true
}

// raiseClaimUploadLimit gives the Kbis upload route its own body limit
// and read timeout, when they exceed the server's; every other request
// keeps Config.BodyLimit and Config.ReadTimeout.
func (s *Server) raiseClaimUploadLimit() {
	limit := max(claimUploadBodyLimit, s.cfg.BodyLimit)
	timeout := max(claimUploadReadTimeout, s.cfg.ReadTimeout)
	s.app.Server().HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if !h.IsPost() {
			return fasthttp.RequestConfig{}
		}
		uri := h.RequestURI()
		if i := bytes.IndexByte(uri, '?'); i >= 0 {
			uri = uri[:i]
		}
		if _, ok := claimUploadClaim(string(uri)); !ok {
			return fasthttp.RequestConfig{}
		}
		return fasthttp.RequestConfig{MaxRequestBodySize: limit, ReadTimeout: timeout}
	}
}

// claimUploadRefusal is what an error page says of a body refused on the
// Kbis upload route: the advice, and the way back to the claim.
func claimUploadRefusal(path string) (message string, back *backLink, ok bool) {
	claim, ok := claimUploadClaim(path)
	if !ok {
		return "", nil, false
	}
	return kbisTooLarge(), &backLink{URL: claimURL(claim) + "#document", Text: "Revenir à la revendication pour envoyer un fichier plus léger"}, true
}
