"""Flashing, one module per method: esptool (ESP32 family), daplink and uf2 (drives),
virtual (the virtual boards). `flash_board()` picks by the board's `method`."""
