"""OpenRosa destinations (ODK Central, KoboToolbox): a submission as an XForm instance, ODK's
encryption for forms with a public key, and the transport that posts them."""
