"""Site forms: sign-up, profile choices, account deletion, archive filter."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

from prism.models import ReaderType

# Sign-up uses the e-mail address as the user name, so it must fit that column.
MAX_EMAIL_LENGTH = 150


class ReaderTypeCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that say, under each name, whom the reader type is for."""

    option_template_name = "prism/widgets/reader_type_option.html"


class ReaderTypeChoiceField(forms.ModelMultipleChoiceField):
    """Active reader types as checkboxes, labelled by name, with descriptions."""

    widget = ReaderTypeCheckboxes

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", ReaderType.objects.filter(is_active=True))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "독자 유형")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: ReaderType) -> str:
        return obj.name


class SignUpForm(forms.Form):
    """E-mail address and password (twice), optionally the first reader types."""

    email = forms.EmailField(
        label="이메일",
        max_length=MAX_EMAIL_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password1 = forms.CharField(
        label="비밀번호",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="비밀번호 확인",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reader_types = ReaderTypeChoiceField(
        help_text="받아 볼 맞춤형 경제 브리핑을 고르세요. 나중에 바꿀 수 있습니다."
    )
    email_digest = forms.BooleanField(
        label="새 브리핑이 발행되면 이메일로 받기", required=False
    )
    privacy_consent = forms.BooleanField(
        label="[필수] 위 개인정보 수집·이용에 동의합니다",
        error_messages={
            "required": "개인정보 수집·이용에 동의해야 가입할 수 있습니다."
        },
    )

    # Whether the address is taken is never said here: the answer would tell anyone
    # who has an account. The sign-up service mails the owner instead.
    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict:
        cleaned = super().clean()
        password1 = cleaned.get("password1")
        password2 = cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "두 비밀번호가 일치하지 않습니다.")
        elif password1 and cleaned.get("email"):
            user = get_user_model()(username=cleaned["email"], email=cleaned["email"])
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """Django's login form, labelled for e-mail sign-in (user names still work)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "이메일 또는 아이디"


class ProfileForm(forms.Form):
    """The subscriber's choices: reader types followed and the e-mail digest."""

    reader_types = ReaderTypeChoiceField(help_text="여러 개를 고를 수 있습니다.")
    email_digest = forms.BooleanField(
        label="새 브리핑이 발행되면 이메일로 받기", required=False
    )


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password again."""

    password = forms.CharField(
        label="비밀번호 확인",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("비밀번호가 올바르지 않습니다.")
        return password


class ArchiveFilterForm(forms.Form):
    """Archive filters: reader type and a date range (both optional)."""

    reader_type = forms.ModelChoiceField(
        queryset=ReaderType.objects.filter(is_active=True),
        to_field_name="slug",
        required=False,
        label="독자 유형",
        empty_label="전체",
    )
    date_from = forms.DateField(
        label="시작일", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="종료일", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "종료일이 시작일보다 빠릅니다.")
        return cleaned
