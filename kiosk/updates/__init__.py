"""Kiosk software updates: release signatures (signing.py) and the staged update a kiosk
holds between downloading it and installing it between visits (staging.py)."""
