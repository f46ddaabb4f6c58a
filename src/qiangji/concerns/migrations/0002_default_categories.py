"""The default taxonomy for community work, with keywords that route until a model is trained."""

from django.db import migrations

DEFAULTS = [
    ("物业管理", "物业 物业费 保安 门禁 维修基金 业委会 物业公司 保洁 服务差"),
    ("停车", "停车 车位 停车费 乱停 占道 车库 充电桩 电动车 停车场"),
    ("电梯", "电梯 加装电梯 电梯困人 电梯故障 电梯维保 电梯停运"),
    ("环境卫生", "垃圾 清运 卫生 保洁 臭 脏 污水 下水道 化粪池 杂物 小广告 绿化"),
    ("噪音扰民", "噪音 扰民 吵 广场舞 装修 施工噪音 夜间施工 音响 狗叫"),
    ("安全隐患", "隐患 危险 漏电 消防 消防通道 坠落 高空抛物 裂缝 倒塌 井盖 飞线充电 燃气"),
    ("养老服务", "老人 养老 助餐 老年食堂 独居 高龄 照料 居家养老 适老化"),
    ("邻里纠纷", "邻居 纠纷 矛盾 吵架 漏水到楼下 占用公共 调解"),
    ("市政设施", "路灯 道路 破损 坑洼 水管 停水 停电 供水 供电 暖气 自来水 公交 路面"),
    ("就业社保", "就业 工作 社保 医保 低保 失业 培训 工资 养老保险 补贴"),
    ("教育", "学校 上学 入学 幼儿园 学位 托育 补课 老师 学生"),
    ("医疗卫生", "医院 看病 卫生服务站 疫苗 医生 药 体检 诊所"),
    ("其他", ""),
]


def add_defaults(apps, schema_editor):
    Category = apps.get_model("concerns", "Category")
    for order, (name, keywords) in enumerate(DEFAULTS):
        Category.objects.get_or_create(name=name, defaults={"keywords": keywords, "order": order})


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_concerns_tickets_topics_imports")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
