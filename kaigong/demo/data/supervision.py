"""
The supervision demo's extra 沂南 applications (the municipal-facility bundle): handled a
number of working days ago so that their clocks show red, yellow and green, or refused /
sent back for correction this week so that the week's denial register has work for the 监审办.
"""

ACCEPT, REFUSE, CORRECT = "accept", "refuse", "correct"

AGED = [
    # (project name, working days ago, what the window did)
    ("沂南县澳柯玛大道燃气管线敷设工程", 10, ACCEPT),  # red: 10 working days against 5 and 7
    ("沂南县振兴路雨水管道改造工程", 4, ACCEPT),  # yellow (limit 5) and green (limit 7)
    ("沂南县人民路路灯杆线迁移工程", 0, REFUSE),  # 不予受理 this week
    ("沂南县滨河东路绿化带改造工程", 0, CORRECT),  # 补正 this week
]
