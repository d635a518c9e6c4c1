"""Draws the demo catalog's car pictures (simple side views, our own work, CC0).

Run once after changing the demo models and commit the SVG files:
    .venv/bin/python scripts/draw_car_images.py
"""

from __future__ import annotations

from pathlib import Path

from repairbook.catalog.demo_data import MODELS

OUT = Path(__file__).parent.parent / "src/repairbook/static/cars"

# body outline (x,y pairs on a 400x200 canvas), by body style
BODIES = {
    "sedan": "20,140 30,110 95,100 140,62 250,60 300,98 375,108 385,140",
    "hatch": "20,140 28,108 90,98 140,60 290,58 330,100 372,110 380,140",
    "suv": "18,145 24,100 70,92 110,48 300,46 340,92 378,100 384,145",
}
STYLE = {
    "kia-rio-4": ("sedan", "#c0392b"),
    "hyundai-solaris-2": ("sedan", "#2e86c1"),
    "lada-vesta": ("sedan", "#e67e22"),
    "lada-granta": ("sedan", "#7f8c8d"),
    "skoda-octavia-a7": ("hatch", "#27ae60"),
    "vw-polo-5": ("sedan", "#34495e"),
    "toyota-camry-xv70": ("sedan", "#17202a"),
    "renault-logan-2": ("sedan", "#a9cce3"),
    "kia-sportage-4": ("suv", "#884ea0"),
    "toyota-rav4-xa40": ("suv", "#b03a2e"),
}


def svg(name: str, body: str, colour: str) -> str:
    window = {"sedan": "150,70 245,68 285,100 110,102", "hatch": "148,68 285,66 318,102 108,102",
              "suv": "118,56 295,54 328,96 84,98"}[body]  # fmt: skip
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 220" role="img" aria-label="{name}">
  <rect width="400" height="220" fill="#f4f6f7"/>
  <polygon points="{BODIES[body]}" fill="{colour}" stroke="#1c2833" stroke-width="3" stroke-linejoin="round"/>
  <polygon points="{window}" fill="#d6eaf8" stroke="#1c2833" stroke-width="2"/>
  <circle cx="100" cy="145" r="24" fill="#1c2833"/><circle cx="100" cy="145" r="10" fill="#bdc3c7"/>
  <circle cx="305" cy="145" r="24" fill="#1c2833"/><circle cx="305" cy="145" r="10" fill="#bdc3c7"/>
  <text x="200" y="200" font-family="sans-serif" font-size="18" text-anchor="middle" fill="#1c2833">{name}</text>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for model in MODELS:
        body, colour = STYLE[model.slug]
        (OUT / f"{model.slug}.svg").write_text(svg(model.name, body, colour))
    print(f"drew {len(MODELS)} pictures into {OUT}")


if __name__ == "__main__":
    main()
