-- The OCDS version a document (file, document number) declares.
INSERT OR REPLACE INTO documents VALUES (?, ?, ?);
