"""The Textual console: app, screens, dialogs, widgets."""
