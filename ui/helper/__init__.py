"""Helper mode: staff unlock it with their PIN to assist a citizen and look after the kiosk."""
