"""Kiosk software updates: release signatures (signing.py) and the staged update a kiosk
holds between downloading it and installing it between visits (staging.py)."""

# What the last update did, as heartbeats report it (here: the command line reads it without
# loading the store).
STATES = ("downloading", "ready", "installing", "installed", "rejected", "rolled_back")
