"""The dialogs the main window opens, one per module, and the small modules they share.

Shared: ``entity_dialog`` (the list-plus-form base of the manage dialogs),
``field_errors`` (a validation error shown at its field), ``form_fields``
(the date field, hint labels, text boxes) and ``source_form``.
"""
