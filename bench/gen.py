#!/usr/bin/env python3
"""Writes a synthetic anti-fraud campaign of N pages that both fanzha and Hugo build.

    bench/gen.py PAGES OUT_DIR

OUT_DIR gets one content/ tree (Zola conventions: `+++` TOML front matter, `_index.md`,
`@/path.md` links) read by both tools, and beside it each tool's configuration and an equivalent
minimal set of templates, copied from bench/site/:

    config.toml, themes/bench/templates/   fanzha
    hugo.toml, layouts/                    Hugo (`hugo --config hugo.toml`)

The campaign is what a county campaign grows into: 20 scam types, 6 audiences and, for the rest
of the N pages, years of case bulletins naming the scam type they illustrate. The text is
Simplified Chinese, made from fragments with a fixed seed, so the same N gives the same files.
Only the standard library is used.
"""

import os
import random
import shutil
import sys
from datetime import date, timedelta

HERE = os.path.dirname(os.path.abspath(__file__))

SCAM_TYPES = [
    ("shuadan", "刷单返利", "兼职刷单"),
    ("touzi", "虚假投资理财", "荐股群"),
    ("daikuan", "虚假网络贷款", "无抵押贷款"),
    ("kefu", "冒充电商物流客服", "理赔退款"),
    ("gongjianfa", "冒充公检法", "涉案通缉"),
    ("lingdao", "冒充领导熟人", "老板转账"),
    ("zhengxin", "虚假征信", "注销校园贷"),
    ("youxi", "网络游戏虚假交易", "低价装备"),
    ("jiaoyou", "网络婚恋交友", "杀猪盘"),
    ("yanglao", "养老诈骗", "保健讲座"),
    ("liangka", "出租出借两卡", "收购银行卡"),
    ("laoshi", "冒充老师收费", "班级群收费"),
    ("qinyou", "冒充亲友求助", "换号借钱"),
    ("junjing", "冒充军警采购", "部队订单"),
    ("tuipei", "网购退赔", "商品质量问题"),
    ("jipiao", "机票退改签", "航班取消"),
    ("zhongjiang", "中奖诈骗", "幸运抽奖"),
    ("buxi", "虚假补贴", "领取补助"),
    ("zhuli", "直播带货返利", "助力砍价"),
    ("yiliao", "医保卡冻结", "医保异常"),
]

AUDIENCES = [
    ("elderly", "老年人"),
    ("students", "学生"),
    ("parents", "家长"),
    ("finance", "财务人员"),
    ("workers", "务工人员"),
    ("shoppers", "网购人群"),
]

REGIONS = ["某县城关镇", "某市开发区", "某县东乡", "某区新城街道", "某镇工业园", "某县西河村"]
PEOPLE = ["王阿姨", "李大爷", "小张", "小陈", "刘女士", "赵先生", "周老师", "孙会计", "小林", "吴师傅"]
OPENINGS = [
    "接到一个自称客服的电话，对方准确说出了订单信息",
    "在短视频平台上看到一条“在家轻松赚钱”的广告",
    "被一个陌生人拉进了一个几百人的群",
    "收到一条短信，说账户存在异常需要尽快处理",
    "在社交软件上认识了一位热情的网友",
    "听说参加讲座可以免费领鸡蛋和大米",
]
HOOKS = [
    "对方先返还了几十元的“佣金”，让人放下了戒心",
    "群里不断有人晒收益截图，说跟着操作稳赚不赔",
    "对方发来盖着红章的“文件”，看起来十分正规",
    "对方说只要按步骤操作，钱很快就能退回来",
    "对方嘘寒问暖，几天后开始谈起“内部消息”",
]
TURNS = [
    "要求下载一个陌生的会议软件并打开屏幕共享",
    "要求把钱转到所谓的“安全账户”",
    "说系统卡单，必须再充值一笔才能提现",
    "要求提供手机收到的验证码",
    "说保证金不够，需要再交一笔“解冻费”",
]
ENDINGS = [
    "家人发现不对劲，陪同到派出所报案",
    "接到96110的预警电话后及时停止了转账",
    "银行柜员察觉异常，劝阻并报警",
    "等到对方拉黑失联，才意识到上当受骗",
]
LESSONS = [
    "凡是要求先交钱、再返钱的，都是诈骗。",
    "公检法机关不会通过电话办案，更没有“安全账户”。",
    "验证码是资金的最后一道防线，绝不能告诉任何人。",
    "遇到拿不准的事，先挂断电话，再拨打110核实。",
    "陌生链接不点，陌生App不装，陌生来电多留个心眼。",
]
FLAGS = [
    "要你先垫钱或充值",
    "要你下载陌生App或开启屏幕共享",
    "要你说出验证码",
    "说“安全账户”“资金核查”",
    "承诺高额回报、稳赚不赔",
    "催你马上转账、不许告诉家人",
]


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def toml_list(items):
    return "[" + ", ".join(toml_str(i) for i in items) + "]"


def page(front, body):
    return "+++\n" + "\n".join(front) + "\n+++\n" + body


def scam_page(rng, slug, name, alias, audience_slugs):
    title = name + "诈骗"
    front = [
        f"title = {toml_str(title)}",
        f"slug = {toml_str(slug)}",
        f"weight = {SCAM_TYPES.index((slug, name, alias)) + 1}",
        f"summary = {toml_str('以' + alias + '为幌子，一步步诱导受害人转账。')}",
        f"other_names = {toml_list([alias, name])}",
        f"audiences = {toml_list(['@/audiences/' + a + '.md' for a in audience_slugs])}",
        f"steps = {toml_list(rng.sample(HOOKS, 3))}",
        f"red_flags = {toml_list(rng.sample(FLAGS, 4))}",
        'actions = ["立即停止转账，保存聊天记录和转账凭证。", "第一时间拨打110报警。"]',
        'never = ["千万不要把验证码告诉任何人。", "千万不要向陌生账户转账。"]',
        f"rule = {toml_str('凡是' + alias + '要你转账的就是诈骗！')}",
        f"slogan = {toml_str((alias + '要转账就是诈骗')[:16])}",
    ]
    body = (
        f"## 常见话术\n\n> “{rng.choice(HOOKS)}。”\n\n"
        f"## 为什么容易上当\n\n{rng.choice(HOOKS)}。{rng.choice(TURNS)}，"
        f"很多人就这样一步步落入圈套。{rng.choice(LESSONS)}\n\n"
        "## 已经转了钱怎么办\n\n立即停止转账，保存证据，第一时间报警。"
        "具体步骤请看[重点人群防骗提示](@/audiences/_index.md)。\n"
    )
    return page(front, body)


def audience_page(rng, i, slug, name, scam_slugs):
    front = [
        f"title = {toml_str(name + '防骗提示')}",
        f"slug = {toml_str(slug)}",
        f"weight = {i + 1}",
        f"who = {toml_str(name + '常被骗子盯上：' + rng.choice(OPENINGS) + '。')}",
        f"scams = {toml_list(['@/scams/' + s + '.md' for s in scam_slugs])}",
        f"tips = {toml_list(rng.sample(LESSONS, 3))}",
    ]
    body = "".join(
        f"## 提醒{n}\n\n{rng.choice(LESSONS)}{rng.choice(LESSONS)}\n\n" for n in range(1, 4)
    )
    return page(front, body)


def case_page(rng, n, day):
    slug, name, alias = rng.choice(SCAM_TYPES)
    who = rng.choice(PEOPLE)
    region = rng.choice(REGIONS)
    loss = rng.choice([0, 0, 1200, 5800, 26800, 98000, 150000, 420000])
    front = [
        f"title = {toml_str(f'{who}遭遇{name}诈骗（第{n}号通报）')}",
        f"slug = {toml_str(f'case-{n:05d}')}",
        f"date = {day.isoformat()}",
        f"region = {toml_str(region)}",
        f"loss = {loss}",
        f"scam = {toml_str('@/scams/' + slug + '.md')}",
        f"lesson = {toml_str(rng.choice(LESSONS))}",
        "adapted = true",
    ]
    paragraphs = [
        f"{day.year}年{day.month}月，{region}的{who}{rng.choice(OPENINGS)}。"
        f"{rng.choice(HOOKS)}。随后，对方{rng.choice(TURNS)}。",
        f"{who}按照对方的要求操作，前后转账{rng.randint(2, 9)}次。"
        f"{rng.choice(HOOKS)}，{who}越陷越深。",
        f"最后，{rng.choice(ENDINGS)}。民警提醒：{rng.choice(LESSONS)}"
        f"{rng.choice(LESSONS)}",
    ]
    body = (
        "## 经过\n\n" + "\n\n".join(paragraphs[:2]) + "\n\n"
        "## 发现与处置\n\n" + paragraphs[2] + "\n\n"
        f"这类骗局的更多手法见[{name}诈骗](@/scams/{slug}.md)。"
        "接到 **96110** 的来电一定要接听。\n"
    )
    return page(front, body)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


SECTIONS = {
    "": ('title = "防范电信网络诈骗"\ndescription = "识别常见骗局，守好钱袋子。"', "一个陌生电话、一条短信，都可能是骗子的圈套。不认识的人让你转账，先停一停，问一问。\n"),
    "scams": ('title = "常见诈骗类型"\nweight = 1\nkind = "scam"\nsort_by = "weight"', "常见电信网络诈骗的手法和识别要点。\n"),
    "cases": ('title = "典型案例"\nweight = 2\nkind = "case"\nsort_by = "date"', "根据常见案情改编的警示案例。\n"),
    "audiences": ('title = "重点人群防骗提示"\nweight = 3\nkind = "audience"\nsort_by = "weight"', "找到自己所在的人群，看看最容易碰上哪些骗局。\n"),
}


def generate(pages, out):
    fixed = len(SCAM_TYPES) + len(AUDIENCES)
    if pages <= fixed:
        sys.exit(f"PAGES must be more than {fixed}")
    rng = random.Random(20261122)
    if os.path.exists(out):
        shutil.rmtree(out)
    shutil.copytree(os.path.join(HERE, "site"), out)
    content = os.path.join(out, "content")
    for rel, (front, body) in SECTIONS.items():
        write(os.path.join(content, rel, "_index.md"), "+++\n" + front + "\n+++\n" + body)
    scam_slugs = [s for s, _, _ in SCAM_TYPES]
    audience_slugs = [a for a, _ in AUDIENCES]
    for slug, name, alias in SCAM_TYPES:
        text = scam_page(rng, slug, name, alias, rng.sample(audience_slugs, 2))
        write(os.path.join(content, "scams", slug + ".md"), text)
    for i, (slug, name) in enumerate(AUDIENCES):
        text = audience_page(rng, i, slug, name, rng.sample(scam_slugs, 4))
        write(os.path.join(content, "audiences", slug + ".md"), text)
    first = date(2016, 1, 1)
    cases = pages - fixed
    for n in range(1, cases + 1):
        day = first + timedelta(days=(n * 3650) // cases)
        write(os.path.join(content, "cases", f"case-{n:05d}.md"), case_page(rng, n, day))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    generate(int(sys.argv[1]), sys.argv[2])
