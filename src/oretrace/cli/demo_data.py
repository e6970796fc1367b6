"""``oretrace demo-data``: write a synthetic group (master data and supplier CMRTs)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("demo-data")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--suppliers", default=300, show_default=True, help="First-tier suppliers.")
@click.option("--group-companies", default=10, show_default=True)
@click.option("--parts", default=2000, show_default=True)
@click.option("--products", default=100, show_default=True)
@click.option("--period", default=2025, show_default=True, help="Reporting year of the files.")
@click.option(
    "--non-responders",
    default=0.15,
    show_default=True,
    help="Share of suppliers that send nothing.",
)
@click.option("--seed", default=1, show_default=True, help="Same seed, same files.")
def demo_data(
    folder: Path,
    suppliers: int,
    group_companies: int,
    parts: int,
    products: int,
    period: int,
    non_responders: float,
    seed: int,
) -> None:
    """Write a synthetic group into FOLDER: suppliers.csv, parts.csv, products.csv, bom.csv,
    contacts.csv (campaign contacts) and declarations/*.xlsx — CMRT 6.x supplier files with
    the mistakes real suppliers make (text dates, e-mail typos, pasted look-ups, placeholder
    IDs, misspelt smelters, encrypted and unreadable files, re-submissions), smelters drawn
    from the RMI reference."""
    from oretrace.synthetic import GroupSpec, MistakeRates, generate

    spec = GroupSpec(
        suppliers=suppliers,
        group_companies=group_companies,
        parts=parts,
        products=products,
        period=period,
        seed=seed,
        rates=MistakeRates(non_responder=non_responders),
    )
    files = generate(folder, spec)
    click.echo(
        f"wrote {len(files.declarations)} declaration files from {files.responders} "
        f"suppliers ({files.non_responders} did not respond) and master data to {folder}/"
    )
