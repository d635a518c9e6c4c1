"""The demo catalog: ten car models common in Russian shops, with their real engines,
oil grades and volumes, filters at plausible 2026 prices, TO-1..TO-3 and diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D

LABOR_RATES = {
    "diagnostics": ("Диагностика", D("2000.00")),
    "maintenance": ("Техническое обслуживание", D("2500.00")),
    "equipment": ("Установка доп. оборудования", D("3000.00")),
}

# brand, viscosity, price per litre
OILS = {
    "shell-5w30": ("Shell Helix HX8", "5W-30", D("950.00")),
    "castrol-5w30": ("Castrol EDGE", "5W-30", D("1250.00")),
    "lukoil-5w40": ("Лукойл Genesis Armortech", "5W-40", D("750.00")),
    "toyota-0w20": ("Toyota Genuine Motor Oil", "0W-20", D("1100.00")),
    "zic-5w30": ("ZIC X9", "5W-30", D("820.00")),
}


@dataclass(frozen=True)
class DemoModel:
    name: str
    slug: str
    engine_code: str
    displacement_l: D
    oil: str
    oil_volume_l: D
    coefficient: D
    # prices of oil, air, cabin and fuel filters and of one spark plug
    filters: tuple[D, D, D, D, D]


MODELS = [
    DemoModel("Kia Rio (IV)", "kia-rio-4", "G4FG", D("1.6"), "shell-5w30", D("3.30"), D("1.000"),
              (D("520"), D("690"), D("640"), D("1450"), D("420"))),
    DemoModel("Hyundai Solaris (II)", "hyundai-solaris-2", "G4LC", D("1.4"), "zic-5w30", D("3.60"),
              D("1.000"), (D("510"), D("680"), D("630"), D("1420"), D("410"))),
    DemoModel("Lada Vesta (I)", "lada-vesta", "ВАЗ-21129", D("1.6"), "lukoil-5w40", D("4.40"),
              D("0.900"), (D("330"), D("450"), D("390"), D("560"), D("260"))),
    DemoModel("Lada Granta (I)", "lada-granta", "ВАЗ-11186", D("1.6"), "lukoil-5w40", D("3.20"),
              D("0.850"), (D("310"), D("420"), D("360"), D("540"), D("240"))),
    DemoModel("Skoda Octavia (A7)", "skoda-octavia-a7", "CJSA", D("1.8"), "castrol-5w30", D("5.20"),
              D("1.150"), (D("890"), D("1150"), D("980"), D("2350"), D("780"))),
    DemoModel("Volkswagen Polo (V)", "vw-polo-5", "CWVA", D("1.6"), "castrol-5w30", D("3.60"),
              D("1.100"), (D("760"), D("990"), D("870"), D("1980"), D("640"))),
    DemoModel("Toyota Camry (XV70)", "toyota-camry-xv70", "A25A-FKS", D("2.5"), "toyota-0w20",
              D("4.50"), D("1.250"), (D("980"), D("1390"), D("1190"), D("2890"), D("990"))),
    DemoModel("Renault Logan (II)", "renault-logan-2", "K7M", D("1.6"), "lukoil-5w40", D("3.30"),
              D("0.950"), (D("420"), D("560"), D("480"), D("890"), D("330"))),
    DemoModel("Kia Sportage (IV)", "kia-sportage-4", "G4NA", D("2.0"), "shell-5w30", D("4.00"),
              D("1.100"), (D("590"), D("820"), D("720"), D("1690"), D("560"))),
    DemoModel("Toyota RAV4 (XA40)", "toyota-rav4-xa40", "3ZR-FE", D("2.0"), "toyota-0w20",
              D("4.20"), D("1.200"), (D("940"), D("1290"), D("1140"), D("2690"), D("930"))),
]  # fmt: skip

BRAKE_FLUID = ("Тормозная жидкость DOT-4, 1 л", D("640.00"))
FILTER_NAMES = ("Фильтр масляный", "Фильтр воздушный", "Фильтр салонный", "Фильтр топливный")
SPARK_PLUG = "Свеча зажигания"

# name, kind, labor rate, labor hours, parts by index into the model's
# (oil, air, cabin, fuel filter, spark plug) with quantities, oil change, brake fluid
REPAIR_TYPES = [
    ("Диагностика", "DIAGNOSTICS", "diagnostics", D("1.0"), {}, False, False),
    ("ТО-1", "MAINTENANCE", "maintenance", D("1.5"), {0: 1}, True, False),
    ("ТО-2", "MAINTENANCE", "maintenance", D("2.5"), {0: 1, 1: 1, 2: 1}, True, False),
    ("ТО-3", "MAINTENANCE", "maintenance", D("3.5"), {0: 1, 1: 1, 2: 1, 3: 1, 4: 4}, True, True),
]
# For every model: extra equipment priced by the hour.
UNIVERSAL_REPAIR_TYPES = [
    ("Установка сигнализации", "OTHER", "equipment", D("3.0")),
]

RECEPTIONISTS = [
    ("Смирнов", "Алексей", "Викторович"),
    ("Кузнецова", "Елена", "Андреевна"),
    ("Попов", "Дмитрий", "Сергеевич"),
    ("Васильева", "Ольга", "Николаевна"),
]

# Working time (issue 22). Two shifts of two advisors, 08:00–20:00, alternating two days on,
# two days off (shift A works on the seed's day 0 and 1, shift B on days 2 and 3, …). Within
# a shift, lunches are staggered so the desk is never empty. The weekly plan is every day
# with that lunch; the 2/2 rotation is days off as dated exceptions, from the seed's day on
# for DEMO_ROTA_DAYS days.
SHIFT_HOURS = ("08:00", "20:00")
# (last name, shift, lunch from, lunch to)
SHIFTS = [
    ("Смирнов", "A", "12:00", "13:00"),
    ("Кузнецова", "A", "13:00", "14:00"),
    ("Попов", "B", "12:00", "13:00"),
    ("Васильева", "B", "13:00", "14:00"),
]
DEMO_ROTA_DAYS = 70  # the booking window (60 days) and a little more
# One advisor is on holiday next week (Monday to Sunday); their shift mate works those
# days without a lunch break (other hours), so the desk is still never empty.
ON_HOLIDAY = "Васильева"
HOLIDAY_NOTE = "Отпуск"
COVER_NOTE = "Без обеда: коллега в отпуске"
