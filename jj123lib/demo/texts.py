"""The demo's Chinese texts: reporters' names, milestones, and what a unit writes in its progress form.

Every function draws on the random stream it is given, in a fixed order, so a seed gives the same texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from jj123lib.domain.quarters import quarter_number

__all__ = ["MILESTONES", "NEXT_STEPS", "CO_UNIT_NOTES", "object_phrase", "progress_texts", "reporters", "plan_measures",
           "Theme",
           "BENCHMARK_THEMES", "TASK_THEMES", "theme_of"]

_SURNAMES = "陈林黄王张李吴许蔡洪施郑庄苏杨"
_GIVEN = ("志强", "丽娟", "建华", "晓东", "雅琴", "文杰", "秀梅", "国平", "海燕", "振宇", "少华", "思颖",
          "明辉", "佳玲")
MILESTONES = (
    ("印发攻坚方案，明确责任分工和时间节点", "完成现状调查和问题清单梳理", "召开专题部署会并建立工作专班"),
    ("完成{obj}实施方案报批", "启动{obj}首批项目建设", "完成{obj}关键政策文件起草并征求意见"),
    ("{obj}主体工作完成过半并通过中期评估", "完成{obj}核心系统（平台）上线试运行", "完成{obj}阶段性验收"),
    ("全面完成{obj}年度目标并形成总结报告", "{obj}通过上级验收或获评认定", "形成{obj}可复制推广的经验材料"),
)
_ACTIONS = (
    "召开专题推进会 {n} 次，协调解决问题 {m} 个", "赴省市主管部门汇报对接 {n} 次",
    "完成{obj}相关方案编制并提交市政府审定",
    "组织实地调研 {n} 次，形成调研报告", "签订合作协议 {n} 份", "完成项目立项和可研批复", "累计完成投资 {x} 亿元",
    "开展业务培训 {n} 场，覆盖 {m} 人次", "建立周调度、月通报工作机制", "完成招标采购并进场施工",
    "梳理形成任务清单 {m} 项并逐项销号推进", "对标学习先进地区经验 {n} 批次",
)
_PROBLEMS = (
    "项目用地报批进度慢于预期", "专项资金到位不及时，影响后续实施", "涉及部门较多，审批链条较长",
    "专业技术人才短缺，推进力量不足", "部分群众对政策理解不到位，协调难度较大", "上级配套政策尚未明确",
    "企业参与积极性有待进一步提高", "施工受雨季天气影响，工期有所滞后", "数据共享壁垒尚未完全打通",
)
NEXT_STEPS = (
    "{m}月底前完成{obj}关键节点任务", "{m}月中旬前召开专题协调会，逐项解决存在问题",
    "{m}月底前完成招标采购并启动实施", "{m}月底前形成阶段性成果并报送市委、市政府",
    "{m}月底前完成项目验收准备工作", "{m}月上旬前完成资金拨付和合同签订",
)
# 需协调事项 with the 需协调部门 typed beside it: blank where the clerk left it (the reports then read the department
# from the wording, and say so; the office may name it: demo.loop).
_COORDINATION = (
    ("需自然资源局协调解决项目用地指标", "自然资源局"), ("需财政局加快专项资金拨付", "财政局"),
    ("需发改局协助争取上级政策支持", ""), ("需数据管理部门协调打通数据共享接口", ""),
    ("需住建局协助加快施工许可办理", "晋江市住建局"), ("需市领导召开专题会协调推进", "市领导"),
)
_MEASURES = (
    "抽调骨干组建工作专班，实行周调度、月通报", "倒排工期、挂图作战，每季度向牵头市领导专题汇报",
    "积极争取上级专项资金和政策支持，落实市级配套资金", "建立问题、责任、时限三张清单，逐项销号推进",
    "对标先进地区经验，制定赶超措施并动态调整", "引入第三方机构跟踪评估，发现问题及时纠偏",
    "压实配合单位责任，重大事项提请市领导协调", "强化要素保障，优先安排用地、用能和人才",
)
CO_UNIT_NOTES = ("配合完成现场踏勘和资料收集", "已按分工提供相关数据和材料", "派员参加工作专班，配合推进相关工作",
                 "配合完成方案会商和意见反馈")


def object_phrase(title: str) -> str:
    """A short object phrase from a task title (drop the leading verb)."""
    for verb in ("纵深推进", "推进", "打造", "创建", "推动", "推行", "实施", "争创", "开展", "建设", "智慧", "落地",
                 "率先探索", "探索完善", "探索", "加快推进", "加快", "培育拓展", "保障", "全力攻坚", "升级", "围绕",
                 "巩固拓展"):
        if title.startswith(verb):
            title = title[len(verb):]
            break
    return title.replace("“", "").replace("”", "")[:16]


def progress_texts(rng: random.Random, title: str, quarter: str, category: str) -> dict[str, str]:
    """A lead unit's 工作进展, 存在问题, 下步计划, 需协调事项 and 需协调部门 for a task in the given category."""
    obj = object_phrase(title)
    q = quarter_number(quarter)
    fill = {"obj": obj, "n": rng.randint(2, 6), "m": rng.randint(3, 15), "x": round(rng.uniform(0.3, 8.5), 1)}
    actions = rng.sample(_ACTIONS, 2)
    progress = f"围绕“{obj}”，" + "；".join(a.format(**fill) for a in actions) + "。"
    if category == "done":
        progress += "年度目标任务已全面完成，相关佐证材料已报送督查室。"
        problems, next_steps = "无", "巩固工作成效，总结提炼经验做法并做好宣传推广"
    else:
        problems = rng.choice(_PROBLEMS) if category != "green" or rng.random() < 0.4 else "无"
        month = min(3 * q + rng.randint(1, 3), 12)
        next_steps = rng.choice(NEXT_STEPS).format(m=month, obj=obj)
    coordination, department = (rng.choice(_COORDINATION) if category in ("yellow", "red", "twice")
                                and rng.random() < 0.7 else ("无", ""))
    return {"工作进展": progress, "存在问题": problems, "下步计划": next_steps, "需协调事项": coordination,
            "需协调部门": department}


def reporters(rng: random.Random, units: list[str]) -> dict[str, str]:
    """A 填报人 for each unit."""
    return {u: rng.choice(_SURNAMES) + rng.choice(_GIVEN) for u in units}


def plan_measures(rng: random.Random, title: str) -> tuple[str, str]:
    """A task's 攻坚措施 and 责任人 as a lead unit writes them in its plan: two measures, the leader in charge
    and the officer doing it."""
    obj = object_phrase(title)
    measures = "；".join(m.format(obj=obj) for m in rng.sample(_MEASURES, 2)) + "。"
    names = [rng.choice(_SURNAMES) + rng.choice(_GIVEN) for _ in range(2)]
    return measures, f"{names[0]}（分管领导）、{names[1]}（具体负责）"


# 对标 by theme: for each of the demo's five kinds of indicator (累计完成投资 亿元, a rate %, new items 个, market
# entities 户, a satisfaction score 分) two names that measure such a task, a 口径 and a source; and the peers a
# national task (百强县), a provincial task (Fujian counties) and a breakthrough task (泉州 neighbours) looks to.
@dataclass(frozen=True)
class Theme:
    names: tuple[tuple[str, str], ...]  # per kind: first use, second use in the same plan
    national: tuple[str, ...]
    fujian: tuple[str, ...]
    quanzhou: tuple[str, ...] = ("南安市（泉州县域经济第二）", "石狮市（泉州民营经济强市）",
                                 "惠安县（泉州台商投资区所在县）")


BENCHMARK_THEMES: dict[str, Theme] = {
    "land": Theme((("低效用地再开发累计完成投资", "城市更新项目累计完成投资"),
                   ("批而未供和闲置土地处置率", "存量土地盘活率"),
                   ("新增盘活低效用地项目", "新增收储出让地块"), ("盘活地块新入驻企业", "更新片区新增市场主体"),
                   ("用地企业满意度", "被征迁群众满意度")),
                  ("昆山市（全国低效用地再开发试点）", "义乌市（土地要素市场化配置改革）"),
                  ("福清市（低效工业用地再开发省级试点）", "南安市（“标准地”出让改革）")),
    "trade": Theme((("跨境电商交易额", "外贸出口额"), ("出口数据溯源覆盖率", "外贸企业备案实绩率"),
                    ("新增自主出口品牌", "新增海外仓"), ("有进出口实绩企业", "新增外贸经营主体"),
                    ("外贸企业服务满意度", "采购商满意度")),
                   ("义乌市（国际贸易综合改革试点）", "常熟市（服装城市场采购贸易）"),
                   ("石狮市（市场采购贸易方式试点）", "福清市（跨境电商综试区）")),
    "farm": Theme((("现代农业产业园累计完成投资", "农业项目累计完成投资"), ("农产品加工转化率", "土地承包延包完成率"),
                   ("新增市级以上农业产业化龙头企业", "新增标准化生产基地"), ("新型农业经营主体", "入园农业企业"),
                   ("农户满意度", "承包户满意度")),
                  ("寿光市（国家现代农业产业园）", "太仓市（全国农业现代化示范区）"),
                  ("安溪县（国家现代农业产业园）", "永春县（省级现代农业产业园）")),
    "school": Theme((("教育项目累计完成投资", "职业教育实训基地建设投资"),
                    ("义务教育优质均衡达标率", "职业院校学生双证书获取率"),
                     ("新建改扩建学校", "新增境外合作办学项目"), ("参与校企合作企业", "参与订单培养企业"),
                     ("家长满意度", "用人单位满意度")),
                    ("昆山市（全国义务教育优质均衡发展县）", "张家港市（全国学前教育普及普惠县）"),
                    ("福清市（省级义务教育优质均衡示范县）", "南安市（省级职业教育改革示范）")),
    "build": Theme((("在建重点工程累计完成投资", "保障性住房累计完成投资"),
                   ("安全生产标准化工地达标率", "完整社区建设达标率"),
                    ("新增省级以上安全文明标准化工地", "新增完整社区样板"), ("参建施工企业", "参与建设企业"),
                    ("住户满意度", "社区居民满意度")),
                   ("江阴市（全国建设工程安全生产标准化示范）", "张家港市（全国完整社区建设试点）"),
                   ("福清市（省级完整社区建设试点）", "南安市（省级安全生产标准化示范县）")),
    "tech": Theme((("全社会研发投入", "产业基地累计完成投资"),
                  ("规上工业企业研发机构覆盖率", "重点企业智能化改造完成率"),
                   ("新增国家级专精特新“小巨人”企业", "新增省级创新平台"), ("高新技术企业", "入驻创新团队企业"),
                   ("企业创新服务满意度", "入驻企业满意度")),
                  ("昆山市（全国县域科技创新第一）", "江阴市（全国制造业单项冠军县）"),
                  ("福清市（省级高新技术产业开发区）", "南安市（省级创新型县（市））")),
    "safety": Theme((("平安建设项目累计完成投资", "智慧安防建设投资"), ("警情处置及时率", "重点场所预警接入率"),
                     ("新增示范应用场景", "新增规范化执法场所"), ("接入平台重点单位", "签约联防企业"),
                     ("群众安全感满意度", "执法满意度")),
                    ("张家港市（全国市域社会治理现代化试点合格城市）", "昆山市（全国数字警务示范）"),
                    ("南安市（省级平安县（市））", "惠安县（省级法治政府建设示范县）")),
    "green": Theme((("生态治理工程累计完成投资", "污水管网治理累计完成投资"),
                   ("排污指标交易完成率", "管网病害点整治完成率"),
                    ("新增碳足迹认证产品", "新增生态修复项目"), ("参与试点企业", "参与排污权交易企业"),
                    ("群众生态环境满意度", "企业环保服务满意度")),
                   ("常熟市（国家生态文明建设示范区）", "慈溪市（全国绿色制造示范）"),
                   ("石狮市（印染集控区排污权改革）", "长乐区（纺织产业碳足迹认证试点）")),
    "forest": Theme((("林业生态项目累计完成投资", "蓝碳生态修复累计完成投资"), ("森林覆盖率", "红树林保护修复完成率"),
                     ("新增林地储备地块", "新增碳汇交易项目"), ("参与林改经营主体", "参与碳汇交易主体"),
                     ("林农满意度", "沿海村居满意度")),
                    ("安吉县（全国林业改革发展综合试点）", "龙泉市（全国集体林业综合改革试验区）"),
                    ("武平县（集体林权制度改革策源地）", "永安市（全国林业改革发展综合试点）"),
                    ("武平县（集体林权制度改革策源地）", "永安市（全国林业改革发展综合试点）",
                     "沙县区（林票制度改革）")),
    "culture": Theme((("文体旅项目累计完成投资", "文保监测平台建设投资"),
                     ("重点文物智慧监测覆盖率", "文旅人才持证上岗率"),
                      ("新增文旅消费场景", "新增文旅融合业态"), ("文体旅经营主体", "新增文旅企业"),
                      ("游客满意度", "居民文化获得感满意度")),
                     ("常熟市（国家全域旅游示范区）", "慈溪市（全国文化先进县）"),
                     ("永春县（国家全域旅游示范区）", "德化县（全国文化产业示范基地）")),
    "service": Theme((("公共服务项目累计完成投资", "服务阵地建设累计完成投资"),
                      ("服务对象覆盖率", "服务事项按时办结率"),
                      ("新增服务品牌项目", "新增服务阵地"), ("参与服务的社会组织和企业", "签约服务机构"),
                      ("服务对象满意度", "群众满意度")),
                     ("昆山市（全国营商环境县域第一）", "张家港市（全国文明城市）"),
                     ("福清市（省级营商环境示范县）", "南安市（省级政务服务示范）")),
    "port": Theme((("港航基础设施累计完成投资", "集疏运体系累计完成投资"), ("集装箱航线准班率", "港口作业效率达标率"),
                   ("新开通航线", "新增航线挂靠港"), ("航运及物流企业", "新增货代企业"),
                   ("货主企业满意度", "航运企业满意度")),
                  ("张家港市（全国县域港口第一）", "太仓市（长江集装箱航运枢纽）"),
                  ("福清市（江阴港区集装箱航线）", "石狮市（石湖港区外贸航线）")),
    "finance": Theme((("普惠金融贷款余额", "整村授信金额"), ("整村推进村（社区）覆盖率", "农户金融知识知晓率"),
                      ("新增金融素养示范村", "新增金融服务站"), ("受益农户", "授信经营主体"),
                      ("群众金融服务满意度", "农户满意度")),
                     ("慈溪市（全国普惠金融示范）", "常熟市（农村金融改革试点）"),
                     ("福清市（省级普惠金融改革试验区）", "南安市（省级农村信用体系建设示范县）")),
    "city": Theme((("智慧环卫项目累计完成投资", "环卫设施提升累计完成投资"), ("生活垃圾分类覆盖率", "道路机械化清扫率"),
                   ("新增智慧环卫设施", "新增垃圾分类示范小区"), ("环卫作业服务企业", "参与分类回收企业"),
                   ("市容环境满意度", "群众环卫服务满意度")),
                  ("张家港市（全国城市环境综合整治优秀城市）", "昆山市（国家生态园林城市）"),
                  ("石狮市（省级城乡环卫一体化示范）", "福清市（省级垃圾分类示范县）")),
}
# The theme of each task the demo benchmarks (by what the task is about).
TASK_THEMES = {
    **dict.fromkeys(("N01", "P01", "P16", "B01", "B03", "B16"), "land"),
    **dict.fromkeys(("N02", "N08", "P04", "B06", "B10", "B17"), "trade"),
    **dict.fromkeys(("N03", "B07", "B08"), "farm"),
    **dict.fromkeys(("N04", "P08"), "school"),
    **dict.fromkeys(("N05", "P10", "B14", "B24"), "build"),
    **dict.fromkeys(("N06", "P03", "P11", "P12", "B04", "B18"), "tech"),
    **dict.fromkeys(("N07", "P13", "P14", "B02", "B19", "B20", "B21", "B22"), "safety"),
    **dict.fromkeys(("P05", "P06", "B09", "B23"), "green"),
    "P09": "city", "P02": "finance", "B05": "port",
    "B15": "forest",
    **dict.fromkeys(("P07", "P15", "B11"), "culture"),
    **dict.fromkeys(("B12", "B13"), "service"),
}


def theme_of(task_id: str) -> Theme:
    """The 对标 theme of a task (service, for a task the table does not name)."""
    return BENCHMARK_THEMES[TASK_THEMES.get(task_id, "service")]
