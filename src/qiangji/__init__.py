"""qiangji (强基): a platform for a subdistrict's community-brand programme."""
