from repairbook.cli import app

app(prog_name="repairbook")
