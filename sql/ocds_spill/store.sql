-- The OCDS reader's working store (SQLite, pipeline/lib/procurement/ocds/spill.py), not the warehouse: a row a
-- release, in the order read (seq), under the ocid it is filed by; `via` says whether it came from a
-- document's top-level `releases` array (refiled if the document turns out to be a record) or is filed for
-- good; the compiled releases publishers ship; each document's declared OCDS version. Run as one script: the
-- store is made whole, and written without a journal (it is thrown away if the read fails).
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
PRAGMA temp_store = FILE;
CREATE TABLE releases (seq INTEGER PRIMARY KEY, ocid TEXT, file TEXT, document INTEGER, via TEXT, data TEXT);
CREATE TABLE compiled (seq INTEGER PRIMARY KEY, ocid TEXT, file TEXT, document INTEGER, data TEXT);
CREATE TABLE documents (file TEXT, document INTEGER, version TEXT, PRIMARY KEY (file, document));
