-- The receiving service's URL as last handed to peers (http.public-url + the envelope path), and
-- since when. A gateway started with another URL records it and sends every peer the new route at
-- once (OwnRoutes.republishIfMoved): until then peers would keep posting to the old one.
-- Null until a release that records it first starts; that start sends every peer the route once.
ALTER TABLE service_keys ADD COLUMN published_url text;
ALTER TABLE service_keys ADD COLUMN published_url_since timestamptz;
