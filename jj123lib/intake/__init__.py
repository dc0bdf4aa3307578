"""Forms out and forms in: the form's definition, building forms, reading and checking returned files."""
