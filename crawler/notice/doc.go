// Package notice reads public procurement notices and award data into
// data.Tender and data.Award. It is made of pure parsers: they read the
// io.Reader they are given and nothing else (no network, no files), so the
// crawler can feed them what it fetched and the import command what it
// found on disk.
//
// Formats (see Detect and Parse):
//
//   - boamp-api: answers of the BOAMP open-data API, with the full notice
//     in "donnees" when present (BOAMP v230 or eForms content);
//   - boamp-xml: BOAMP notices in the Boamp_v230 XML schema, calls for
//     tenders and award notices with their winners;
//   - eforms: TED eForms UBL notices (contract, prior information and award
//     notices, and their changes), lots, CPV, NUTS, deadlines, values,
//     winners;
//   - ocds: Open Contracting release and record packages;
//   - decp-json and decp-csv: the "données essentielles de la commande
//     publique", the awarded contracts with their winners' SIRET.
//
// Rules shared by every reader: a tender's ID is "<source>:<source id>"
// (boamp: the idweb; ted: the publication number, else the notice
// identifier; ocds: the ocid), and its ProcedureID the identifier its
// notices share (eForms: ContractFolderID; ocds: the ocid; BOAMP: the
// buyer's reference scoped by the buyer), which the store does not trust
// alone (data.ShareBuyer, data.ObjectsDiffer). An eForms notice's first
// cac:ContractingParty is its Buyer, the others its JointBuyers. CPV
// codes go through data.NormalizeCPV: an invalid main code is replaced by
// the next valid one (the lots'), and a notice without any valid main code
// is rejected; invalid additional codes are dropped. Places go through
// data.ResolvePlace, with the NUTS 2013 codes older BOAMP notices use
// translated. Dates keep their time zones;
// dates written without one are read in Europe/Paris. A winner's SIRET is
// kept when it passes its check (leading zeros restored), otherwise it is
// dropped, the name kept and the defect noted.
//
// What a reader could not use is reported, never silently lost: rejected
// notices or rows in Result.Problems (the error names the missing or wrong
// element, in French), defects of what was kept in Result.Warnings, or in
// Award.Defects for DECP rows. A one-notice document (eForms, BOAMP XML)
// that is rejected gives no tender at all: nothing is half-imported. In a
// DECP CSV extract a row with a quote left open, or with another number of
// fields than the header, is one Problem (« ligne 2 : … guillemet non
// fermé … »), and the scan resumes at the next line: the open quote never
// swallows the rows after it, while a quoted field written over several
// lines is still read as one field.
//
// Every reader takes UTF-8; UTF-16 (with a byte order mark, or recognised
// from its first character) and text that is valid Windows-1252 or
// ISO-8859-1 without saying so are converted first, and Result.Notes says
// it (« encodage ISO-8859-1 converti en UTF-8 »). An XML document that
// declares its encoding is read in it (ISO-8859-1 as Windows-1252, as
// browsers do). Input that is neither, such as UTF-8 mixed with Latin-1
// or binary data, is refused with ErrEncoding and the line of the first
// foreign byte, never stored with « � » in its texts.
//
// Texts (titles, descriptions, names) are kept as the source wrote them,
// white space tidied: they come from the web and must be escaped by
// whoever shows them.
//
// Errors are for people: Explain words them in French without the Go error
// chain, and the syntax errors of encoding/json and encoding/xml are
// translated with the line (and for JSON the column) where the input
// breaks (« JSON mal formé à la ligne 2, colonne 17 : « , » ou « } » attendu
// après une valeur »). A JSON file holding a second document after the
// first is refused rather than read in part.
//
// Safety: XML with a DOCTYPE or ENTITY declaration is refused (ErrDoctype),
// inputs are capped in size (Options.MaxBytes, ErrTooLarge) and in nesting
// depth (Options.MaxDepth, ErrTooDeep).
package notice
