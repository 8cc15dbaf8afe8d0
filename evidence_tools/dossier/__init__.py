"""The PDF dossier and the dispute message: exhibits.py brings exhibits up to date,
text.py writes the English, pdf.py lays it out."""
