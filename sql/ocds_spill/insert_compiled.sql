-- A compiled release a publisher ships: ocid, file, document, the release as JSON.
INSERT INTO compiled (ocid, file, document, data) VALUES (?, ?, ?, ?);
