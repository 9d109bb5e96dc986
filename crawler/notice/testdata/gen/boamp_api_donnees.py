#!/usr/bin/env python3
"""Builds testdata/boamp/boamp_api_donnees.json: BOAMP API records that carry
"donnees", "gestion" and the descriptor fields, which the real sample
(boamp_avis_2026-03-15_sample.api-shape.json) lacks. The notice content is
the real BOAMP v230 XML (testdata/boamp/xml) and a real eForms example
(testdata/eforms/cn_81_FRA.xml), converted to JSON the way XML-to-JSON
converters do it (xmltodict conventions: "@attr", "#text", repeated
elements as lists, empty elements as null). Run from the package folder:
    python3 testdata/gen/boamp_api_donnees.py
"""
import json
import xml.etree.ElementTree as ET

NS = {
    'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2': 'cac',
    'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2': 'cbc',
    'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2': 'ext',
    'http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1': 'efac',
    'http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1': 'efbc',
    'http://data.europa.eu/p27/eforms-ubl-extensions/1': 'efext',
}


def name(tag):
    if tag.startswith('{'):
        uri, local = tag[1:].split('}')
        prefix = NS.get(uri)
        return prefix + ':' + local if prefix else local
    return tag


def convert(e):
    out = {}
    for k, v in e.attrib.items():
        if k.startswith('{'):
            continue
        out['@' + k] = v
    for c in e:
        v = convert(c)
        k = name(c.tag)
        if k in out:
            if not isinstance(out[k], list):
                out[k] = [out[k]]
            out[k].append(v)
        else:
            out[k] = v
    text = (e.text or '').strip()
    if not out:
        return text or None
    if text:
        out['#text'] = text
    return out


def part(path, child):
    root = ET.parse(path).getroot()
    return convert(root.find(child))


def dumps(v):
    return json.dumps(v, ensure_ascii=False, separators=(',', ':'))


pub = 'testdata/boamp/xml/test-pub.xml'
att = 'testdata/boamp/xml/test-attribution-7.xml'
cn = 'testdata/eforms/cn_81_FRA.xml'
cn_root = ET.parse(cn).getroot()

records = [
    {   # a call for tenders with two lots: everything in donnees/gestion
        "id": "16_186394", "idweb": "16-186394",
        "objet": "2016 DFA 167 - Prestations de remorquage pour les véhicules de la ville de Paris",
        "famille_libelle": "Marchés européens", "type_marche": ["SERVICES"],
        "nature_categorise_libelle": "Avis de marché/", "procedure_libelle": "Procédure Ouverte",
        "nomacheteur": "Ville de Paris", "titulaire": None, "code_departement": ["75"],
        "code_departement_prestation": None, "dateparution": "2017-01-01",
        "datelimitereponse": "2017-02-07T11:00:00+00:00", "datefindiffusion": "2017-02-07",
        "type_avis": ["5", "1"], "descripteur_code": ["274"], "descripteur_libelle": ["Prestations de services"],
        "url_avis": "https://www.boamp.fr/pages/avis/?q=idweb:16-186394",
        "donnees": dumps(part(pub, 'DONNEES')), "gestion": dumps(part(pub, 'GESTION')),
    },
    {   # an award with three winners: TITULAIRE and RENSEIGNEMENT become two lists in JSON
        "id": "17_29167", "idweb": "17-29167",
        "objet": "Mise à disposition de personnel intérimaire pour le Service Petite Enfance de la Ville de Suresnes",
        "famille_libelle": "Procédures adaptées", "type_marche": ["SERVICES"],
        "nature_categorise_libelle": "Résultat de marché/", "procedure_libelle": "Procédure adaptée",
        "nomacheteur": "Ville de Suresnes", "titulaire": ["ADECCO MEDICAL", "SELECT TT APPEL MEDICAL", "TROOPS IZUMA"],
        "code_departement": ["92"], "code_departement_prestation": None, "dateparution": "2017-03-01",
        "datelimitereponse": None, "datefindiffusion": "2017-04-01", "type_avis": ["10", "6"],
        "descripteur_code": ["230"], "descripteur_libelle": ["Personnel intérimaire"],
        "url_avis": "https://www.boamp.fr/pages/avis/?q=idweb:17-29167",
        "donnees": dumps(part(att, 'DONNEES')), "gestion": dumps(part(att, 'GESTION')),
    },
    {   # an eForms notice published through BOAMP: donnees = {"EFORMS": {...}}
        "id": "20_58231", "idweb": "20-58231",
        "objet": "Assistance à maîtrise d'œuvre en suivi de réalisation (CEA Cadarache)",
        "famille_libelle": "Marchés européens", "type_marche": ["SERVICES"],
        "nature_categorise_libelle": "Avis de marché/", "procedure_libelle": "Procédure Restreinte",
        "nomacheteur": "Commissariat à l'énergie atomique et aux énergies alternatives", "titulaire": None,
        "code_departement": ["91"], "code_departement_prestation": ["13"], "dateparution": "2020-04-09",
        "datelimitereponse": "2020-09-14T14:00:00+00:00", "datefindiffusion": "2020-09-14",
        "type_avis": ["5", "1"], "descripteur_code": ["197"], "descripteur_libelle": ["Maîtrise d'oeuvre"],
        "url_avis": "https://www.boamp.fr/pages/avis/?q=idweb:20-58231",
        "donnees": dumps({"EFORMS": {"ContractNotice": convert(cn_root)}}),
    },
    {   # donnees cut in transit: the flat fields still make a notice
        "id": "26_26124", "idweb": "26-26124",
        "objet": "Mobilier médical, équipements de soin et instruments médicaux",
        "famille_libelle": "Marchés européens", "type_marche": ["FOURNITURES"],
        "nature_categorise_libelle": "Avis de marché/", "procedure_libelle": "Procédure Ouverte",
        "nomacheteur": "Union des Groupements d'Achats Publics", "titulaire": None, "code_departement": ["77"],
        "code_departement_prestation": None, "dateparution": "2026-03-15",
        "datelimitereponse": "2026-03-31T10:00:00+00:00", "datefindiffusion": "2026-03-31", "type_avis": ["5", "1"],
        "url_avis": "https://www.boamp.fr/pages/avis/?q=idweb:26-26124",
        "donnees": "{\"IDENTITE\":{\"DENOMINATION\":\"Union des Groupements d'Ach",
    },
    {   # no title and no buyer anywhere: rejected
        "id": "26_99999", "idweb": "26-99999", "objet": None, "nomacheteur": "", "type_marche": ["SERVICES"],
        "nature_categorise_libelle": "Avis de marché/", "dateparution": "2026-03-15", "code_departement": ["69"],
    },
    {   # the only CPV is not in CPV 2008: rejected with the code named
        "id": "26_99998", "idweb": "26-99998", "objet": "Entretien des espaces verts",
        "nomacheteur": "Commune de Villeurbanne", "type_marche": ["SERVICES"],
        "nature_categorise_libelle": "Avis de marché/", "dateparution": "2026-03-15", "code_departement": ["69"],
        "donnees": dumps({"IDENTITE": {"DENOMINATION": "Commune de Villeurbanne", "CP": "69100", "VILLE": "Villeurbanne"},
                          "OBJET": {"TITRE_MARCHE": "Entretien des espaces verts", "TYPE_MARCHE": {"SERVICE": None},
                                    "CPV": {"PRINCIPAL": "77319999"}}}),
    },
]
with open('testdata/boamp/boamp_api_donnees.json', 'w', encoding='utf-8') as f:
    json.dump({"total_count": len(records), "results": records}, f, ensure_ascii=False, indent=1)
    f.write('\n')
