-- The releases to compile: ocid, file, document, the document's OCDS version (a document that declared none is
-- a package, and so OCDS 1.0), JSON, and whether the ocid has a published compiled release; by ocid, in the
-- order read.
SELECT r.ocid, r.file, r.document, coalesce(d.version, '1.0'), r.data,
       EXISTS (SELECT 1 FROM compiled c WHERE c.ocid = r.ocid)
FROM releases r LEFT JOIN documents d USING (file, document)
ORDER BY r.ocid, r.seq;
