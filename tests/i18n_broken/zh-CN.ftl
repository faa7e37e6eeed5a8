greeting = 你好
