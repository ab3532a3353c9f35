"""
The site fence moves to the project (工程项目红线): each project takes the red line and the
radius of its newest inspection that had them (a project's own point is kept; where it had
none, the inspection's point), then the inspection's copies go.
"""

from django.db import migrations


def to_project(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    Project = apps.get_model("projects", "Project")
    done: set[int] = set()
    rows = Inspection.objects.select_related("item__case").order_by("-created_at", "-id")
    for inspection in rows.iterator():
        project_id = inspection.item.case.project_id
        if project_id in done:
            continue
        done.add(project_id)
        project = Project.objects.get(pk=project_id)
        changed = []
        if inspection.site_polygon and not project.red_line:
            project.red_line = inspection.site_polygon
            changed.append("red_line")
        if inspection.site_radius_m and inspection.site_radius_m != project.site_radius_m:
            project.site_radius_m = inspection.site_radius_m
            changed.append("site_radius_m")
        if project.latitude is None and inspection.site_latitude is not None:
            project.latitude, project.longitude = inspection.site_latitude, inspection.site_longitude
            changed += ["latitude", "longitude"]
        if changed:
            project.save(update_fields=changed)


def to_inspections(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    for inspection in Inspection.objects.select_related("item__case__project").iterator():
        project = inspection.item.case.project
        inspection.site_polygon = project.red_line or []
        inspection.site_radius_m = project.site_radius_m
        inspection.site_latitude, inspection.site_longitude = project.latitude, project.longitude
        inspection.save(
            update_fields=["site_polygon", "site_radius_m", "site_latitude", "site_longitude"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_letter_signed_by"),
        ("projects", "0002_site_red_line"),
    ]

    operations = [
        migrations.RunPython(to_project, to_inspections),
        migrations.RemoveField(model_name="inspection", name="site_latitude"),
        migrations.RemoveField(model_name="inspection", name="site_longitude"),
        migrations.RemoveField(model_name="inspection", name="site_polygon"),
        migrations.RemoveField(model_name="inspection", name="site_radius_m"),
    ]
