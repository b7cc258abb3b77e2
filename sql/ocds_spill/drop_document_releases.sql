-- Drop the releases of a document's top-level `releases` array (file, document): a record's that is not one.
DELETE FROM releases WHERE file = ? AND document = ? AND via = 'releases';
