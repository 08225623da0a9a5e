import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("prism", "0008_generationrun_composer_usage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="privacy_consent_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="개인정보 수집·이용 동의 시각"
            ),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="privacy_consent_version",
            field=models.CharField(
                blank=True, max_length=20, verbose_name="동의한 안내문 버전"
            ),
        ),
        migrations.AlterField(
            model_name="digestdelivery",
            name="user",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
