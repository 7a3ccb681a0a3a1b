"""Departments: a company organises its members (Sales Asia, Purchasing Textiles…), each
department with a head. The workflow's dispatch rules route incoming documents (and the
service module routes cases) to a department, whose members share its box; approval
rules may name a department's head as an approver.

They live here, with companies and members, because the workflow engine (above
infrastructure) must name a department in its rules; the shared box, which lists
documents and service cases, is drawn by the service module above them all. The rooms
are the house's: models, operations, queries, schemas, api, views, forms, templates.
"""

from flask import Blueprint
from flask_smorest import Blueprint as ApiBlueprint

bp = Blueprint("departments", __name__, template_folder="templates")
blp_departments = ApiBlueprint(
    "departments_api", __name__, url_prefix="/departments",
    description="Your company's departments: members, a head, and the shared box "
                "dispatch rules route documents and service cases to")

API_BLUEPRINTS = (blp_departments,)
