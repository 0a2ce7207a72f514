"""Posting the admin's change forms as a browser would: every field as the page shows it."""


def form_data(form) -> dict:
    """A form's fields (prefixed) with the values it shows, as a browser would submit them."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def change_form_data(response) -> dict:
    """What the admin's change page in `response` submits unchanged, inlines included."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data
