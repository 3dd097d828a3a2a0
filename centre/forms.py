from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from centre.accounts import password_change_own
from centre.validators import CheckedText, otp_code_validator


class LoginForm(AuthenticationForm):
    """The login form with the centre's wording and Bootstrap classes."""

    error_messages = {
        "invalid_login": _("用户名或密码错误。连续失败5次账号将被锁定。"),
        "inactive": _("该账号已停用，请联系安全管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm sets the username's max_length after the field is built, so
        # its length is never checked: a 10,000-character name reached authenticate() and
        # django-axes, which could not store it (a server error instead of the form).
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))
        self.fields["username"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "username", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update(
            {"class": "form-control", "autocomplete": "current-password"}
        )


class OtpForm(forms.Form):
    """The dynamic password of the login's second step, or of the enrolment."""

    otp = forms.CharField(
        label=_("动态口令"),
        validators=[otp_code_validator],
        error_messages={"required": _("请输入动态口令")},
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": 6,
                "autofocus": True,
            }
        ),
    )


class BootstrapMixin(CheckedText):
    """Gives each widget Bootstrap's class, so forms render consistently without
    per-field attributes; its text fields refuse control characters (CheckedText)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


class OwnPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    """A business user changes their own password (the validators of AUTH_PASSWORD_VALIDATORS
    apply); their API tokens end with it (centre.tokens), and so does a change an
    administrator asked of them (centre.accounts)."""

    def save(self, commit: bool = True):
        password_change_own(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (2026-12-05): a localised one
    (2026/12/05) shows as empty and the required check then refuses the form."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker, with the ISO value it needs (2026-12-05T15:00)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
