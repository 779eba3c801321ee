"""The shape of a data file, as editors write it (ids are still strings here).

Every data file is a mapping whose keys name kinds of entries; any file may hold any kind,
and by convention each kind has its own file or folder. Unknown keys are errors.
"""

from __future__ import annotations

from typing import Annotated, Literal

from ..labels import (
    NO_SYSTEM_LABEL,
    PROCEDURE_SYSTEM_LABELS,
    ROLE_KIND_LABELS,
    SOURCE_STANDING_LABELS,
    TOPIC_CATEGORY_LABELS,
    described,
)
from ..records import Field, Record, StringConstraints

ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Date = Annotated[str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]


class Strict(Record):
    """A record editors write: unknown keys are errors, and values are never converted."""


FullDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Reviewed(Strict):
    """Who keeps an entry up to date, and by when it must be checked again (any kind of entry)."""

    owner: Id | None = Field(None, description="负责维护本条目的角色标识（角色页上列出它负责的条目）")
    review_by: FullDate | None = Field(
        None, description="复核期限，写成带引号的 \"2027-06-30\"；早于本版日期（handbook.yaml 的 date）时页面显示“待复核”")


class Cite(Strict):
    """Where an item comes from: a source document and a section of its outline."""

    source: Id = Field(description="来源文件的标识，如 s000")
    section: Text = Field(description="来源中的章节标识，须在 sources.yaml 的章节目录中，如 四(五)12")


Cites = Annotated[list[Cite], Field(min_length=1, description="出处，至少一条")]
# Which documents an entry rests on, where a source says so (shown as 相关文件, linked to 文件目录).
DocumentRefs = Annotated[list[Id], Field(description="本条目所依据或来源写明与之相关的文件（documents.yaml 中的标识），"
                                                      "只在来源这样写时填写")]


class Section(Strict):
    id: Text = Field(description="章节标识，如 四(五)12")
    heading: Text = Field(description="章节的简短标题（用本手册自己的话）")
    excluded: Text | None = Field(None, description="有意不收录时写明理由")


SourceStanding = Literal[tuple(SOURCE_STANDING_LABELS)]


class Source(Strict):
    id: Id
    file: Text = Field(description="来源文件名")
    title: Text
    kind: Text = Field(description="文献类型，如 调研报告、汇编、工作综述")
    origin: Text = Field(description="发布单位或地区")
    date: Text = Field(description="来源所述的时间，照来源写")
    place: Text | None = Field(None, description="来源所述的地方或单位（读者据此判断适用范围）")
    standing: SourceStanding | None = Field(
        None,
        description=f"来源所述内容的性质：{described(SOURCE_STANDING_LABELS)}",
    )
    sections: list[Section] = Field(min_length=1)


class Document(Reviewed):
    """A document a source names by its title (《…》): a regulation, a local rule, a newspaper."""

    id: Id
    title: Text = Field(description="文件名称，照来源写，不带书名号，如 中国共产党巡视工作条例")
    issuer: Text | None = Field(None, description="制发单位，只在来源写明时写")
    date: Text | None = Field(None, description="制发时间，只在来源写明时写（照来源写，如 2015 年 3 月 16 日）")
    governs: Text = Field(description="文件管什么、来源怎样提到它（用本手册自己的话）；来源没有介绍内容的，写明这一点")
    editorial_note: Text | None = Field(
        None, description="编者注：来源之外的说明（如简称对应的全称），页面上标明“编者注（非来源内容）”")
    cite: Cites = Field(description="来源中提到这份文件的章节")


class Handbook(Strict):
    title: Text
    subtitle: Text | None = None
    edition: Text = Field(description="版次，如 2026 年第 1 版")
    date: Date = Field(description="本版日期，写成带引号的 \"2026-11-22\"")
    compiler: Text | None = Field(None, description="编写单位")
    previous_edition: Text | None = Field(
        None, description="上一版数据的目录，相对于本数据目录（如 ../editions/2026-1/data）；写了就生成“本版修订说明”")


ProcedureSystem = Literal[tuple(PROCEDURE_SYSTEM_LABELS)]
RoleKind = Literal[tuple(ROLE_KIND_LABELS)]


class Role(Reviewed):
    id: Id
    name: Text
    kind: RoleKind = Field(description=f"角色的类别：{described(ROLE_KIND_LABELS)}")
    parent: Id | None = Field(None, description="所属上级机构的标识")
    summary: Text | None = None
    aliases: list[Text] = Field(default_factory=list, description="别称，用于检索")
    cite: Cites


LimitKind = Literal["within", "every", "at-least-every"]
LimitUnit = Literal["工作日", "日", "个月", "年"]


class TimeLimit(Strict):
    limit: Text = Field(description="时限，照来源的说法，如 十个工作日内")
    counts_from: Text | None = Field(None, description="从何时起算")
    on_expiry: Text | None = Field(None, description="超过时限的后果（来源有说明时）")
    kind: LimitKind = Field("within", description="within 在一段时间之内办完；every 每隔一段时间一次；"
                                                  "at-least-every 至少每隔一段时间一次")
    amount: int | None = Field(None, ge=1, description="来源写明的数量（可计算的时限），如 十个工作日内 写 10；"
                                                       "来源没给出数量时不写，时限只作文字显示")
    unit: LimitUnit | None = Field(None, description="数量的单位：工作日、日、个月、年（与 amount 一起写）")


class Duty(Reviewed):
    id: Id
    role: Id
    title: Text
    detail: Text | None = None
    source_gap: Text | None = Field(None, description="来源只提到而未列明内容时，说明这一点")
    frequency: TimeLimit | None = Field(
        None, description="职责多久履行一次（kind 写 every 或 at-least-every），如一届任期内巡视一遍")
    documents: DocumentRefs = Field(default_factory=list)
    cite: Cites


class NextStep(Strict):
    step: Id
    when: Text | None = Field(None, description="走向这一步的条件")


class Step(Strict):
    id: Id
    title: Text = Field(description="步骤的简短名称")
    roles: list[Id] = Field(
        default_factory=list,
        description="承办角色，第一个为牵头角色；来源没有写明由谁承办时留空，显示为“来源未明确承办”",
    )
    action: Text = Field(description="做什么")
    roles_inferred: bool = Field(
        False, description="承办角色是本手册据来源别处推断的（来源在这一步没有写明）；各处都标“（编者推断）”，"
                           "推断的依据写在 notes 里")
    approved_by: list[Id] = Field(default_factory=list, description="审批角色")
    documents: list[Text] = Field(default_factory=list, description="产生的文书或材料")
    time_limit: TimeLimit | None = None
    condition: Text | None = Field(None, description="只在某种情况下才进行时，写明情况")
    next: list[NextStep] = Field(default_factory=list, description="流程分支时的后续步骤；不写则按顺序")
    end: bool = Field(False, description="流程在此结束")
    notes: list[Text] = Field(default_factory=list)
    cite: list[Cite] = Field(default_factory=list, description="不写则沿用程序的出处")


class Procedure(Reviewed):
    id: Id
    name: Text
    summary: Text
    lead: Id = Field(description="牵头角色")
    system: ProcedureSystem | None = Field(
        None,
        description=f"所属工作体系（导航按它分组）：{described(PROCEDURE_SYSTEM_LABELS)}；不写则归入“{NO_SYSTEM_LABEL}”",
    )
    trigger: Text | None = Field(None, description="启动条件")
    frequency: TimeLimit | None = Field(None, description="程序多久进行一次（kind 写 every 或 at-least-every）")
    checklists: list[Id] = Field(default_factory=list, description="办理本程序时使用的清单")
    documents: DocumentRefs = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    cite: Cites
    steps: list[Step] = Field(min_length=1)


StatedCount = Annotated[int, Field(ge=1, description="来源写明的数目（如“四个清单”为 4）；条目数须与之相同，"
                                                  "来源只说数目而未列全时写 source_gap")]


class ChecklistItem(Strict):
    id: Id
    text: Text
    procedure: Id | None = None
    step: Id | None = Field(None, description="与 procedure 一起写，指向该程序的步骤")
    duty: Id | None = None
    cite: list[Cite] = Field(default_factory=list)


class Checklist(Reviewed):
    id: Id
    name: Text
    purpose: Text
    roles: list[Id] = Field(min_length=1, description="使用这份清单的角色")
    stated_count: StatedCount | None = None
    source_gap: Text | None = Field(None, description="来源只提到而未列明内容时，说明这一点")
    score: bool = Field(False, description="表格加“得分”栏（来源给出评分项时）")
    documents: DocumentRefs = Field(default_factory=list)
    cite: Cites
    items: list[ChecklistItem] = Field(min_length=1)


class Term(Reviewed):
    id: Id
    term: Text
    definition: Text
    aliases: list[Text] = Field(default_factory=list)
    related: list[Id] = Field(default_factory=list, description="相关术语的标识")
    documents: DocumentRefs = Field(default_factory=list)
    editorial_note: Text | None = Field(
        None, description="编者注：来源之外的说明（如此后改革已取代的说法），页面上标明“编者注，非来源内容”")
    cite: Cites


TopicCategory = Literal[tuple(TOPIC_CATEGORY_LABELS)]


class TopicItem(Strict):
    name: Text
    detail: Text | None = None


class Topic(Reviewed):
    """A named body of guidance from a source: a mechanism, a set of principles, a list of methods..."""

    id: Id
    name: Text = Field(description="来源自己的名称；另用更清楚的名称时，把来源的名称写进 aliases")
    aliases: list[Text] = Field(default_factory=list, description="别称（来源的原名等），用于检索")
    category: TopicCategory = Field(description=f"要点的类别：{described(TOPIC_CATEGORY_LABELS)}")
    summary: Text | None = None
    items: list[TopicItem] = Field(default_factory=list)
    stated_count: StatedCount | None = None
    date: Text | None = Field(None, description="数据与事例的时间（照来源写）")
    place: Text | None = Field(None, description="数据与事例的地区或单位")
    roles: list[Id] = Field(default_factory=list, description="相关角色")
    procedures: list[Id] = Field(default_factory=list, description="相关程序")
    documents: DocumentRefs = Field(default_factory=list)
    source_gap: Text | None = Field(None, description="来源只提到而未列明内容时，说明这一点")
    cite: Cites


class Course(Reviewed):
    """A course pack for trainers: an audience and modules chosen by id."""

    id: Id
    name: Text
    audience: Text
    objectives: list[Text] = Field(min_length=1, description="学习目标")
    roles: list[Id] = Field(default_factory=list)
    procedures: list[Id] = Field(default_factory=list)
    checklists: list[Id] = Field(default_factory=list)
    terms: list[Id] = Field(default_factory=list)
    topics: list[Id] = Field(default_factory=list)
    questions: list[Text] = Field(default_factory=list, description="讨论题")
    cite: Cites


FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


class Holiday(Strict):
    """One festival's days off in a year's schedule, and the weekend days worked in exchange (调休)."""

    name: Text = Field(description="节日名称，照通知写，如 春节；两个节日合并放假时写 国庆节、中秋节")
    first_off: FullDate = Field(description="放假的第一天，如 \"2026-02-15\"")
    last_off: FullDate = Field(description="放假的最后一天（只放一天时与 first_off 相同）")
    workdays: list[FullDate] = Field(default_factory=list, description="因这次放假调休而上班的日子（多为周六、周日）")


class HolidayYear(Strict):
    """The State Council's schedule of one year's public holidays, copied whole from its notice."""

    year: int = Field(ge=2000, le=2100, description="年份，如 2027")
    notice: Text = Field(description="通知的标题，如 国务院办公厅关于2027年部分节假日安排的通知")
    number: Text | None = Field(None, description="发文字号（通知上有时照写）")
    published: FullDate = Field(description="通知的发布日期")
    holidays: list[Holiday] = Field(min_length=1, description="通知所列的每个节日（元旦、春节、清明节、劳动节、端午节、中秋节、国庆节）")


class DataFile(Strict):
    """One YAML file under data/."""

    handbook: Handbook | None = None
    sources: list[Source] = Field(default_factory=list)
    documents: list[Document] = Field(default_factory=list, description="来源中提到的文件（文件目录，data/documents.yaml）")
    roles: list[Role] = Field(default_factory=list)
    duties: list[Duty] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    checklists: list[Checklist] = Field(default_factory=list)
    terms: list[Term] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    courses: list[Course] = Field(default_factory=list)
    holiday_years: list[HolidayYear] = Field(default_factory=list, description="国务院公布的放假安排，每年一条（data/calendar.yaml）")


def json_schema_text() -> str:
    """The JSON Schema every data file references (# yaml-language-server: $schema=...)."""
    import json

    schema = DataFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "纪检监察干部工作手册数据文件"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
