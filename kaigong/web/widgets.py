"""
Widgets of the pages. ``RegionSelect``: a GB/T 2260 division picked province → city →
county. The select it renders is the field itself, with every division by its full name
(without JavaScript it is all a person needs, validated on the server); with JavaScript
the three cascading selects take its place, each loading the next level's options from
``web:region-options`` through htmx, and the deepest choice sets the field's value.
"""

from __future__ import annotations

from django import forms

from kaigong.accounts.regions import region_chain, region_children


class RegionSelect(forms.Select):
    template_name = "web/widgets/region_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chain = region_chain(str(value or ""))
        chosen = [r.code for r in chain] + ["", "", ""]
        levels = []
        parent = ""
        for index, level in enumerate(("province", "city", "county")):
            options = region_children(parent) if index == 0 or parent else []
            levels.append({"level": level, "options": options, "chosen": chosen[index]})
            parent = chosen[index]
        context["widget"]["cascade"] = levels
        return context
