"""Masking of personal data inside free text shown to everyone."""

from __future__ import annotations

from qiangji.lib.privacy import mask_personal_text


def test_names_after_a_self_introduction_or_before_a_title_are_masked():
    text = "我叫张三丰，住3栋。联系人：李四。王阿姨说楼道灯坏了，赵先生也反映过"
    masked = mask_personal_text(text)
    for name in ("张三丰", "李四", "王阿姨", "赵先生"):
        assert name not in masked
    assert "张**" in masked and "李*" in masked
    assert "楼道灯坏了" in masked and "3栋" in masked


def test_phones_identity_numbers_and_door_numbers_are_masked_but_buildings_stay():
    text = "3栋2单元501室漏水，电话13812345678，身份证420203199001011234，住8-2-1203"
    masked = mask_personal_text(text)
    for secret in ("13812345678", "420203199001011234", "501室", "1203"):
        assert secret not in masked
    assert "3栋" in masked and "漏水" in masked and "138****5678" in masked


def test_text_without_personal_data_is_unchanged():
    text = "小区门口路灯不亮，孩子放学回家很危险（示例）"
    assert mask_personal_text(text) == text
    assert mask_personal_text("") == ""
