"""A custom import-linter contract (see .importlinter): each app is imported by the others only
through its public API.

    [importlinter:contract:public-api]
    type = public_api
    apps = stagecraft.apps.datasets ...   the apps whose insides are private
    public = services admin               their public modules (the module itself, not its children)
    exempt_importers = *.tests            importers not checked (module expressions)

An import of any other module of an app, from outside that app, breaks the contract.
"""

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.domain import helpers


class PublicApiContract(Contract):
    type_name = "public_api"

    apps = fields.ListField(subfield=fields.ModuleField())
    public = fields.ListField(subfield=fields.StringField())
    exempt_importers = fields.ListField(subfield=fields.ModuleExpressionField(), required=False)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        # import-linter declares the options as Field class attributes and sets each instance's to
        # the parsed value, so mypy sees the Field types where the values are: hence the ignores.
        exempt = {
            module.name
            for module in helpers.module_expressions_to_modules(
                graph,
                self.exempt_importers or [],  # type: ignore[arg-type]
                as_packages=True,
            )
        }
        illegal = []
        for app in self.apps:  # type: ignore[attr-defined]
            name = app.name
            public = {name} | {f"{name}.{module}" for module in self.public}  # type: ignore[attr-defined]
            for internal in sorted(graph.find_descendants(name) - public):
                for importer in sorted(graph.find_modules_that_directly_import(internal)):
                    if importer == name or importer.startswith(f"{name}.") or importer in exempt:
                        continue
                    details = graph.get_import_details(importer=importer, imported=internal)
                    illegal.append((importer, internal, [detail["line_number"] for detail in details]))
        return ContractCheck(kept=not illegal, warnings=[], metadata={"illegal": illegal})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Imports of an app's private modules from outside the app:", bold=False)
        output.new_line()
        for importer, imported, lines in check.metadata["illegal"]:
            output.print_error(f"- {importer} -> {imported} (l.{', '.join(map(str, lines))})", bold=False)
        output.new_line()
        output.print("Import the app's public API instead (its services module), or add to it.")
