"""Department schemas: ``DepartmentArgsSchema`` (create; unknown fields refused), its
patch, and the department as the API shows it. The name is checked by the operation,
so an empty or taken name is refused in the caller's language with the same words as
the settings page."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.core.schemas import Id


class DepartmentArgsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(max=500), metadata={
        "description": "e.g. Sales Asia; unique in your company", "example": "Sales Asia"})
    head_user_id = Id(allow_none=True, load_default=None, metadata={
        "description": "The member who heads it (approval rules may name the head); "
                       "always one of its members"})
    member_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=500),
                             metadata={"description": "Members of your company"})


class DepartmentPatchArgsSchema(Schema):
    name = fields.String(validate=validate.Length(max=500))
    head_user_id = Id(allow_none=True)
    member_ids = fields.List(Id(), validate=validate.Length(max=500))


class DepartmentMemberSchema(Schema):
    id = fields.Integer(required=True)
    full_name = fields.String(required=True)


class DepartmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    head_user_id = fields.Integer(allow_none=True, required=True)
    member_ids = fields.List(fields.Integer(), required=True)
    members = fields.List(fields.Nested(DepartmentMemberSchema), required=True)
    box_url = fields.String(required=True, metadata={
        "description": "The department's shared box in the portal"})
