CREATE SCHEMA s3;
CREATE TABLE s3.doc (id int PRIMARY KEY, body text, version int);
