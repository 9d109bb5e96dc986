package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"fabrique/data"
	"fabrique/web"
)

// Alert digests: the scheduler inside serve (sendAlerts) and the alerts
// send command, for operators who prefer cron. Both call
// web.Server.SendDueDigests, whose records in the store make a digest go
// out once whichever runs it, across restarts.

const optAlertsEvery = "alerts-every"

// defaultAlertsEvery is the scheduler's tick: immediate profiles are
// served this often; daily and weekly ones at the first tick after their
// time.
const defaultAlertsEvery = "10m"

// minAlertsEvery keeps the scheduler from spinning.
const minAlertsEvery = time.Second

func alertOptions() []option {
	return []option{{
		flag: optAlertsEvery, env: "FABRIQUE_ALERTS_EVERY", arg: "DURÉE",
		help: "intervalle auquel le serveur envoie les alertes dues (immédiates à chaque passage, quotidiennes à 7 h, " +
			"hebdomadaires le lundi à 7 h, heure de Paris) ; off : jamais (utilisez alors « fabrique alerts send » dans cron)",
		field: func(c *config) *string { return &c.alertsEvery },
		def:   constant(defaultAlertsEvery),
	}}
}

// alertsEvery is the scheduler's interval; 0 when it is off.
func (c *config) alertsInterval() (time.Duration, error) {
	if c.alertsEvery == "off" {
		return 0, nil
	}
	v := c.alertsEvery
	if v == "" {
		v = defaultAlertsEvery
	}
	every, err := time.ParseDuration(v)
	if err != nil || every < minAlertsEvery {
		return 0, usageErrorf("--alerts-every « %s » : durée d'au moins %s attendue (ex. 10m), ou off", c.alertsEvery, minAlertsEvery)
	}
	return every, nil
}

func alertsCommand() command {
	return command{
		name:    "alerts",
		summary: "envoie les alertes d'appels d'offres dues : alerts send [--dry-run]",
		args:    "send",
		nargs:   1,
		help: "alerts send\n" +
			"    envoie par courriel le récapitulatif de chaque compte dont des alertes\n" +
			"    sont dues, et termine les envois qu'un arrêt a interrompus. Un récapitulatif\n" +
			"    n'est jamais envoyé deux fois, que « serve » ou cette commande l'envoie.\n" +
			"    Il faut l'adresse publique du site (--public-url), celle des liens.\n" +
			"alerts send --dry-run\n" +
			"    affiche, par compte, ce qui serait envoyé, sans rien envoyer ni écrire dans\n" +
			"    la base (l'index des appels d'offres, qui en dérive, peut être reconstruit).\n" +
			"La base ne doit pas être ouverte par « fabrique serve » : celui-ci envoie déjà\n" +
			"les alertes (voir --alerts-every).",
		options: append(append([]string{optData, optDryRun, optPublicURL}, logOptions...),
			optSMTPHost, optSMTPPort, optSMTPUser, optSMTPPassword, optSMTPTLS, optMailFrom),
		run: runAlerts,
		texts: map[string]optionText{
			optDryRun: {help: "n'envoie rien et n'écrit rien dans la base : affiche, par compte, les appels d'offres du récapitulatif qui serait envoyé"},
			optPublicURL: {help: "adresse publique du site (https://fabrique.exemple.fr), celle des liens des courriels ; obligatoire pour envoyer, " +
				"cette commande n'écoutant sur aucune adresse", display: "aucune (envoi refusé)"},
		},
	}
}

func runAlerts(ctx context.Context, p *program, args []string) error {
	if args[0] != "send" {
		return usageErrorf("alerts : action « %s » inconnue (send)", args[0])
	}
	// Unlike serve, this command listens nowhere: without a public URL its
	// links would name serve's default address, which is not where the
	// site is, and the digest, recorded as sent, would never go out again
	// with working links.
	if p.cfg.publicURL == "" {
		if !on(p.cfg.dryRun) {
			return usageErrorf("alerts send : adresse publique du site inconnue, les liens des courriels (appels d'offres, désinscription) ne mèneraient nulle part ; " +
				"indiquez-la avec --public-url https://fabrique.exemple.fr ou la variable FABRIQUE_PUBLIC_URL. Rien n'a été envoyé")
		}
		fmt.Fprintln(p.stderr, "Attention : sans --public-url (ou FABRIQUE_PUBLIC_URL), « alerts send » refusera d'envoyer ces récapitulatifs.")
	}
	dir, err := openDirectory(ctx, p, existingStore, false)
	if err != nil {
		return err
	}
	defer dir.Close()
	sender, _, err := mailSender(p) // user.go
	if err != nil {
		return err
	}
	srv, err := web.New(web.Config{PublicURL: p.cfg.publicURL, Logger: p.log, Version: buildVersion()},
		web.Deps{Store: dir.store, Index: dir.index, Mail: sender, Tenders: dir.tenders})
	if err != nil {
		return err
	}
	run, err := srv.SendDueDigests(ctx, time.Now(), on(p.cfg.dryRun))
	printDigestRun(p.stdout, run)
	if err != nil {
		return err
	}
	if run.Failed > 0 {
		return &userError{msg: data.CountFR(run.Failed, "envoi d'alertes en échec (voir le journal) ; il sera retenté", "envois d'alertes en échec (voir le journal) ; ils seront retentés") + " au prochain passage"}
	}
	return nil
}

// printDigestRun writes, in French, what a run sent or would send.
func printDigestRun(w io.Writer, run web.DigestRun) {
	verb := "envoyé"
	if run.DryRun {
		verb = "serait envoyé"
	}
	for _, d := range run.Digests {
		var names []string
		for _, p := range d.Profiles {
			names = append(names, p.Name)
		}
		fmt.Fprintf(w, "%s — %s (%s) — alertes : %s\n", d.Account.Email, data.CountFR(d.Len(), "appel d'offres", "appels d'offres"), verb, strings.Join(names, ", "))
		for _, s := range d.Sections {
			fmt.Fprintf(w, "  %s\n", s.Title())
			for _, it := range s.Items {
				fmt.Fprintf(w, "    - %s (%s)\n", it.Tender.Title, it.Tender.ID)
			}
		}
	}
	if run.DryRun {
		fmt.Fprintf(w, "Essai : %s à envoyer, %s sans nouveauté ; rien n'a été envoyé ni écrit.\n",
			data.CountFR(len(run.Digests), "récapitulatif", "récapitulatifs"), data.CountFR(run.Empty, "compte", "comptes"))
		return
	}
	fmt.Fprintf(w, "Alertes : %s (dont %s d'un envoi interrompu), %d en échec, %s sans nouveauté.\n",
		data.CountFR(run.Sent, "envoyée", "envoyées"), data.CountFR(run.Resumed, "reprise", "reprises"), run.Failed, data.CountFR(run.Empty, "compte", "comptes"))
}

// sendAlerts runs the due digests at start, then every interval, until
// ctx ends.
func sendAlerts(ctx context.Context, p *program, srv *web.Server, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	tick := time.Now()
	for {
		srv.Metrics().SchedulerLag("alerts", time.Since(tick))
		run, err := srv.SendDueDigests(ctx, time.Now(), false)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			p.log.Error("alert digests", "err", err)
		case run.Sent+run.Failed > 0:
			p.log.Info("alert digests", "sent", run.Sent, "resumed", run.Resumed, "failed", run.Failed, "empty", run.Empty)
		}
		select {
		case <-ctx.Done():
			return
		case tick = <-t.C:
		}
	}
}
