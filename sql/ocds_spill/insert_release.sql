-- A release as read: ocid, file, document, via ('releases' or 'record'), the release as JSON.
INSERT INTO releases (ocid, file, document, via, data) VALUES (?, ?, ?, ?, ?);
