"""Every enumeration a data file may use, each with its readers' labels, in one table: the schema
takes its allowed values and its editor help from here, the model its labels, and a test holds the
README's lists against them."""

from __future__ import annotations

from types import MappingProxyType

# In the order a newcomer meets them (the navigation and the roles index group by kind).
ROLE_KIND_LABELS = MappingProxyType(
    {"body": "机构", "leadership": "领导层", "position": "岗位", "group": "工作组", "external": "外部单位"}
)

# What a source's content is: a reader weighs a proposal differently from a rule in force.
SOURCE_STANDING_LABELS = MappingProxyType({
    "proposal": "调研报告提出的建议，不是已施行的规定",
    "practice": "当地实践的总结，做法以当地为准",
    "study": "调研总结，兼有当地做法和建议",
    "compilation": "多篇文章的汇编，各篇观点不一定一致",
    # an overlay's own documents (README: 地方版与单位版): the rules a province or unit applies
    "rule": "本地施行的规定或实施办法",
})

# Working systems that group procedures, in reading order; a procedure without one comes last.
PROCEDURE_SYSTEM_LABELS = MappingProxyType({
    "contracting": "总承包", "inspection": "巡视巡察与信访", "joint": "室组地", "reform": "改革机制",
    "stationed": "派驻",
})
NO_SYSTEM_LABEL = "其他程序"

TOPIC_CATEGORY_LABELS = MappingProxyType({
    "background": "背景", "function": "职能", "difficulty": "困难", "principle": "原则", "method": "方法",
    "accountability": "问责", "standard": "标准", "mechanism": "工作机制", "relationship": "关系",
    "requirement": "工作要求", "mode": "协作模式", "practice": "实践做法", "fact": "数据与事例",
})

# Every table, by the data field that takes its values (for the README test and the schema's help).
ENUMERATIONS = MappingProxyType({
    "kind": ROLE_KIND_LABELS, "standing": SOURCE_STANDING_LABELS, "system": PROCEDURE_SYSTEM_LABELS,
    "category": TOPIC_CATEGORY_LABELS,
})


def described(labels: MappingProxyType) -> str:
    """The values with their labels, as the editor's help and the README list them:
    `body` 机构；`leadership` 领导层……"""
    return "；".join(f"`{key}` {label}" for key, label in labels.items())
