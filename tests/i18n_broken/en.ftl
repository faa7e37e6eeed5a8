# A deliberately broken pair of catalogues: zh-CN.ftl lacks a key and gets a variable wrong.
greeting = Hello, { $name }
farewell = Goodbye
