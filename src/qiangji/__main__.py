from qiangji.cli import main

main()
