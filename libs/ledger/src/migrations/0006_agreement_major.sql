-- Agreements cover a major version of their service (issue 12): an agency may hold agreements for majors 1 and 2 of
-- one service side by side. Every agreement and request made before versions existed covers major 1.

ALTER TABLE governance_agreement ADD COLUMN major integer NOT NULL DEFAULT 1 CHECK (major >= 1);
ALTER TABLE governance_access_request ADD COLUMN major integer NOT NULL DEFAULT 1 CHECK (major >= 1);
