package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// needs is the mix posted, in turn, by every client.
var needs = []string{
	`{"title":"Restauration des menuiseries en bois de la mairie","description":"Fenêtres et portes en chêne du XIXe siècle, ébénisterie et ferronnerie.","cpv":["45421000"],"departement":"35"}`,
	`{"title":"Vaisselle en faïence pour la résidence du préfet","description":"Service de table décoré à la main, faïence ou porcelaine.","cpv":["39221000"],"postcode":"45000"}`,
	`{"title":"Couteaux et coutellerie pour les cantines","description":"Couteaux de table forgés, coutellerie de cuisine professionnelle.","cpv":["39241000"],"departement":"63"}`,
	`{"title":"Restauration de vitraux de l'église","description":"Vitraux anciens, verre soufflé, plomb, sertissage.","cpv":["45453100"],"departement":"51"}`,
	`{"title":"Mobilier de bureau en bois massif","description":"Tables, bureaux et rangements, menuiserie et ébénisterie.","cpv":["39130000"],"departement":"69",
	  "lots":[{"title":"Bureaux"},{"title":"Rangements","cpv":["39122000"]}]}`,
	`{"title":"Drapeaux et pavoisement","description":"Drapeaux tricolores, bannières brodées, textile.","cpv":["35821000"]}`,
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8089", "address of the server")
	clients := flag.Int("c", 64, "concurrent clients")
	dur := flag.Duration("d", 30*time.Second, "duration")
	flag.Parse()
	if err := run(*base, *clients, *dur); err != nil {
		fmt.Fprintln(os.Stderr, "matchload:", err)
		os.Exit(1)
	}
}

type sample struct {
	status int
	took   time.Duration
}

func run(base string, clients int, dur time.Duration) error {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var mu sync.Mutex
	var all []sample
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []sample
			for n := i; ctx.Err() == nil; n++ {
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/match", bytes.NewReader([]byte(needs[n%len(needs)])))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, sample{resp.StatusCode, time.Since(t0)})
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	byStatus := map[int][]time.Duration{}
	var every []time.Duration
	for _, s := range all {
		byStatus[s.status] = append(byStatus[s.status], s.took)
		every = append(every, s.took)
	}
	fmt.Printf("%d clients, %v: %d requests (%.0f/s), %d transport errors\n", clients, elapsed.Round(time.Millisecond),
		len(all), float64(len(all))/elapsed.Seconds(), errs)
	report("all", every, len(all))
	for _, st := range []int{200, 503, 429} {
		if d := byStatus[st]; len(d) > 0 {
			report(fmt.Sprintf("HTTP %d", st), d, len(all))
		}
	}
	for st, d := range byStatus {
		if st != 200 && st != 503 && st != 429 {
			report(fmt.Sprintf("HTTP %d", st), d, len(all))
		}
	}
	return nil
}

func report(name string, d []time.Duration, total int) {
	slices.Sort(d)
	q := func(p float64) time.Duration {
		return d[min(len(d)-1, int(p*float64(len(d))))].Round(100 * time.Microsecond)
	}
	fmt.Printf("  %-9s %6d (%5.1f %%)  p50 %-9v p90 %-9v p99 %-9v max %v\n", name, len(d),
		100*float64(len(d))/float64(total), q(0.50), q(0.90), q(0.99), d[len(d)-1].Round(100*time.Microsecond))
}
