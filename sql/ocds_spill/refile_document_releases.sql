-- File the releases of a document's top-level `releases` array (file, document) under the record's ocid.
UPDATE releases SET ocid = ?, via = 'record' WHERE file = ? AND document = ? AND via = 'releases';
