-- The 申报书 form (≈30 KB of JSON text) is stored out of line (TOAST) and compressed on every
-- save. PostgreSQL's default, pglz, took ≈16 % of the database's CPU in the deadline-rush
-- benchmark; LZ4 compresses several times faster at a similar ratio for this text. Applies to
-- values written from now on; older ones stay readable as they are. (PostgreSQL ≥ 14 built
-- --with-lz4, as Debian's, Ubuntu's, RHEL's and the official images are.)
ALTER TABLE applications ALTER COLUMN form SET COMPRESSION lz4;
ALTER TABLE application_versions ALTER COLUMN form SET COMPRESSION lz4;
