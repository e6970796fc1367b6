"""Read and check RMI reporting templates (CMRT, EMRT, CRT, AMRT). Pure Python, no Django."""
