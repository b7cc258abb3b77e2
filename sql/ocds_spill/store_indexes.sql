-- The indexes the reads by ocid use, made once every file is in (cheaper than keeping them up while writing).
CREATE INDEX releases_by_ocid ON releases (ocid, seq);
CREATE INDEX compiled_by_ocid ON compiled (ocid, seq);
