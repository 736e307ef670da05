"""Opening hours: `spec` parses and prints the registry's hours (pure Python, light to import);
`clock` counts open minutes on them, Swedish public holidays closed (numpy, holidays).
Imports nothing else of Svarstid's."""
