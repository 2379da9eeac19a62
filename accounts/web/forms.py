from __future__ import annotations

from django import forms

from accounts.models import Role


class BrandNameForm(forms.Form):
    name = forms.CharField(label="Brand name", max_length=100)


class BrandSecurityForm(forms.Form):
    require_mfa = forms.BooleanField(
        label="Require two-factor authentication for every member",
        required=False,
        help_text="Members without an authenticator app are asked to set one up before they can work.",
    )


class BrandDeleteForm(forms.Form):
    confirm = forms.CharField(label="Type the brand's short name to confirm", max_length=50)


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    role = forms.ChoiceField(label="Role", choices=Role.choices, initial=Role.AGENT)

    def __init__(self, *args: object, roles: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What will use it, e.g. “Helpdesk integration”."
    )
